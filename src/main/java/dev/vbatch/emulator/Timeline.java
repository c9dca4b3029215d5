package dev.vbatch.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.aiplatform.v1.BatchPredictionJob;
import com.google.cloud.aiplatform.v1.CompletionStats;
import com.google.cloud.aiplatform.v1.GenerateContentRequest;
import com.google.cloud.aiplatform.v1.JobState;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.Status;
import dev.vbatch.storage.LocalBlobStore;
import dev.vbatch.storage.UriStore;
import dev.vbatch.util.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Moves a job along Vertex's states as time passes: QUEUED, PENDING, RUNNING (rows processed at a
 * fixed rate, in shuffled order, appended to predictions.jsonl as Vertex exports them), then
 * SUCCEEDED, PARTIALLY_SUCCEEDED, FAILED, CANCELLED or EXPIRED. A job is advanced when it is read,
 * so no thread runs in the background and an injected clock controls everything.
 */
final class Timeline {
  private static final DateTimeFormatter DIR_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter PROCESSED_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx").withZone(ZoneOffset.UTC);
  private static final JsonFormat.Parser STRICT = JsonFormat.parser();

  private final EmulatorConfig config;
  private final Responder responder;
  private final Map<String, Rows> rowsCache = new ConcurrentHashMap<>();

  private final UriStore uris;
  private final Path inputCache;

  Timeline(EmulatorConfig config, Responder responder, UriStore uris, Path inputCache) {
    this.config = config;
    this.responder = responder;
    this.uris = uris;
    this.inputCache = inputCache;
  }

  static boolean isTerminal(JobState s) {
    return s == JobState.JOB_STATE_SUCCEEDED || s == JobState.JOB_STATE_PARTIALLY_SUCCEEDED
        || s == JobState.JOB_STATE_FAILED || s == JobState.JOB_STATE_CANCELLED || s == JobState.JOB_STATE_EXPIRED;
  }

  JobStore.Entry advance(JobStore.Entry entry, Instant now) throws IOException {
    BatchPredictionJob job = entry.job();
    EmulatedJob em = entry.emulated();
    if (isTerminal(job.getState())) {
      return entry;
    }
    BatchPredictionJob.Builder b = job.toBuilder().setUpdateTime(ts(now));
    Instant created = instant(job.getCreateTime());
    Duration elapsed = Duration.between(created, now);
    Duration running = elapsed.minus(config.queueDelay()).minus(config.startDelay());
    if (em.cancelRequested) {
      end(b, JobState.JOB_STATE_CANCELLED, now, 1, "The batch prediction job was cancelled.");
    } else if (em.fault.equals("expire")) {
      if (elapsed.compareTo(config.expireAfter()) >= 0) {
        end(b, JobState.JOB_STATE_EXPIRED, now, 4, "The batch prediction job stayed in the queue longer than its limit"
            + " (Vertex: 72 hours) and expired before it started.");
      } else {
        b.setState(JobState.JOB_STATE_QUEUED);
      }
    } else if (elapsed.compareTo(config.queueDelay()) < 0) {
      b.setState(JobState.JOB_STATE_QUEUED);
    } else if (running.isNegative()) {
      b.setState(JobState.JOB_STATE_PENDING);
    } else {
      run(b, em, created.plus(config.queueDelay()).plus(config.startDelay()), running, now);
    }
    return new JobStore.Entry(b.build(), em);
  }

  private void run(BatchPredictionJob.Builder b, EmulatedJob em, Instant start, Duration running, Instant now)
      throws IOException {
    b.setState(JobState.JOB_STATE_RUNNING).setStartTime(ts(start));
    boolean bigquery = b.getOutputConfig().getPredictionsFormat().equals("bigquery");
    if (em.outputDirectory == null && bigquery) {
      // A table, as asked, or predictions_TIMESTAMP in the dataset asked for.
      String asked = b.getOutputConfig().getBigqueryDestination().getOutputUri();
      em.outputDirectory = asked.split("\\.").length >= 3 ? asked : asked + ".predictions_" + DIR_TIME.format(start).replaceAll("\\D", "_");
    } else if (em.outputDirectory == null) {
      em.outputDirectory = b.getOutputConfig().getGcsDestination().getOutputUriPrefix().replaceAll("/+$", "")
          + "/prediction-model-" + DIR_TIME.format(start);
    }
    if (bigquery) {
      int dot = em.outputDirectory.lastIndexOf('.');
      b.setOutputInfo(BatchPredictionJob.OutputInfo.newBuilder().setBigqueryOutputDataset(em.outputDirectory.substring(0, dot))
          .setBigqueryOutputTable(em.outputDirectory.substring(dot + 1)));
    } else {
      b.setOutputInfo(BatchPredictionJob.OutputInfo.newBuilder().setGcsOutputDirectory(em.outputDirectory));
    }
    Rows rows;
    try {
      rows = rows(em.id, b.getInputConfig().getInstancesFormat().equals("bigquery")
          ? List.of(b.getInputConfig().getBigquerySource().getInputUri()) : b.getInputConfig().getGcsSource().getUrisList());
    } catch (IOException | IllegalArgumentException e) {
      end(b, JobState.JOB_STATE_FAILED, now, 3, "Failed to read the input: " + e.getMessage());
      return;
    }
    em.total = rows.count();
    long target = Math.min(em.total, (long) Math.floor(running.toMillis() / 1000.0 * config.rowsPerSecond()));
    // job-failure fails half way; a stuck job stops half way and stays RUNNING until cancelled.
    long failAt = em.fault.equals("job-failure") || em.fault.equals("stuck") ? em.total / 2 : em.total;
    target = Math.min(target, failAt);
    if (target > em.rowsDone) {
      process(b, em, rows, target, now);
    }
    b.setCompletionStats(CompletionStats.newBuilder().setSuccessfulCount(em.succeeded).setFailedCount(em.failed)
        .setIncompleteCount(em.total - em.rowsDone));
    if (em.fault.equals("job-failure") && em.rowsDone >= failAt) {
      end(b, JobState.JOB_STATE_FAILED, now, 13, "Internal error occurred. Failed to complete the batch prediction job.");
    } else if (em.rowsDone >= em.total && !em.fault.equals("stuck")) {
      end(b, em.failed > 0 && em.succeeded > 0 ? JobState.JOB_STATE_PARTIALLY_SUCCEEDED
          : em.failed > 0 ? JobState.JOB_STATE_FAILED : JobState.JOB_STATE_SUCCEEDED, now,
          3, em.failed > 0 && em.succeeded == 0 ? "All rows failed." : null);
    }
  }

  private void process(BatchPredictionJob.Builder b, EmulatedJob em, Rows rows, long target, Instant now)
      throws IOException {
    String modelVersion = b.getModel().substring(b.getModel().lastIndexOf('/') + 1) + " (vbatch emulator)";
    Faults faults = new Faults(config.withFaults(em.faults, em.seed));
    if (!em.outputDirectory.startsWith("file:")) {
      // Cloud Storage objects cannot be appended to: each advance writes the rows it processed as a
      // file of its own, as Vertex splits its output into several predictions files. A table is
      // appended to.
      em.outputFiles++;
      String uri = em.outputDirectory.startsWith("bq://") ? em.outputDirectory
          : em.outputDirectory + String.format("/predictions_%05d.jsonl", em.outputFiles);
      try (var w = new java.io.BufferedWriter(new java.io.OutputStreamWriter(uris.create(uri, "application/jsonl"), StandardCharsets.UTF_8))) {
        for (long k = em.rowsDone; k < target; k++) {
          writeRow(w, em, faults, rows, k, modelVersion, now);
        }
      }
      return;
    }
    Path out = LocalBlobStore.toPath(em.outputDirectory).resolve("predictions.jsonl");
    Files.createDirectories(out.getParent());
    if (Files.exists(out) && Files.size(out) > em.outputBytes) {
      // Rows appended by a process that died before recording them: they are written again below.
      try (var ch = java.nio.channels.FileChannel.open(out, StandardOpenOption.WRITE)) {
        ch.truncate(em.outputBytes);
      }
    }
    try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      for (long k = em.rowsDone; k < target; k++) {
        writeRow(w, em, faults, rows, k, modelVersion, now);
      }
    }
    em.outputBytes = Files.size(out);
  }

  private void writeRow(java.io.Writer w, EmulatedJob em, Faults faults, Rows rows, long k, String modelVersion, Instant now)
      throws IOException {
    int row = rows.order().get((int) k);
    ObjectNode line = line(faults, rows.read(row), modelVersion, now, em.sequence);
    if (line.path("status").asText().isEmpty()) {
      em.succeeded++;
    } else {
      em.failed++;
    }
    w.write(line.toString());
    w.write('\n');
    em.rowsDone++;
  }

  private ObjectNode line(Faults faults, String input, String modelVersion, Instant now, long sequence) {
    ObjectNode line = Json.object();
    GenerateContentRequest request;
    JsonNode inputLine = null;
    JsonNode requestJson;
    try {
      inputLine = Json.read(input);
      requestJson = inputLine.get("request");
      GenerateContentRequest.Builder rb = GenerateContentRequest.newBuilder();
      STRICT.merge(requestJson.toString(), rb);
      request = rb.build();
    } catch (RuntimeException | InvalidProtocolBufferException e) {
      line.put("status", "Bad Request: {\"error\": {\"code\": 400, \"message\": \"Invalid JSON payload received. "
          + e.getMessage().replace('"', '\'') + "\", \"status\": \"INVALID_ARGUMENT\"}}");
      line.put("processed_time", PROCESSED_TIME.format(now));
      line.set("request", Json.read(input).path("request"));
      return line;
    }
    // Faults depend on the seed, the request's content and the job's sequence number, not on the
    // job's random id or where files were staged: a seeded run is reproduced exactly in any process
    // and directory, and a request sent again in a later job (a retry) gets a fresh draw, as on Vertex.
    String key = EmulatedModel.subjectKey(request);
    String subject = key + "/" + sequence;
    line.put("status", "");
    line.put("processed_time", PROCESSED_TIME.format(now));
    line.set("request", Echo.of(request));
    // A request table's other columns pass through to the predictions table.
    inputLine.fields().forEachRemaining(f -> {
      if (!line.has(f.getKey()) && !f.getKey().equals("response")) {
        line.set(f.getKey(), f.getValue());
      }
    });
    EmulatedModel.Answer answer = new EmulatedModel(responder, faults).answer(request, key, subject, modelVersion);
    if (answer.response() == null) {
      line.put("status", "Bad Request: {\"error\": {\"code\": 400, \"message\": \""
          + answer.invalidArgument().replace('"', '\'') + "\", \"status\": \"INVALID_ARGUMENT\"}}");
      return line;
    }
    try {
      line.set("response", Json.read(JsonFormat.printer().print(answer.response())));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
    return line;
  }

  private static void end(BatchPredictionJob.Builder b, JobState state, Instant now, int code, String message) {
    b.setState(state).setEndTime(ts(now));
    if (message != null) {
      b.setError(Status.newBuilder().setCode(code).setMessage(message));
    }
  }

  private Rows rows(String jobId, List<String> uris) throws IOException {
    Rows cached = rowsCache.get(jobId);
    if (cached != null) {
      return cached;
    }
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < uris.size(); i++) {
      String uri = uris.get(i);
      if (uri.startsWith("file:")) {
        Path p = LocalBlobStore.toPath(uri);
        if (!Files.isRegularFile(p)) {
          throw new IOException(uri + " does not exist");
        }
        files.add(p);
      } else {
        // A copy on local disk, so rows can be read by offset like local inputs.
        Path copy = inputCache.resolve(jobId + "-" + i + ".jsonl");
        if (!Files.exists(copy)) {
          Files.createDirectories(inputCache);
          Path tmp = Files.createTempFile(inputCache, ".copy", ".tmp");
          try (var in = this.uris.open(uri)) {
            Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          }
          Files.move(tmp, copy, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        files.add(copy);
      }
    }
    Rows rows = Rows.index(files, config.seed() ^ jobId.hashCode());
    rowsCache.put(jobId, rows);
    return rows;
  }

  static Timestamp ts(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }

  static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  /** The input rows of a job: where each starts, and the shuffled order they are answered in. */
  record Rows(List<Path> files, int[] fileOf, long[] offsetOf, List<Integer> order) {
    long count() {
      return offsetOf.length;
    }

    static Rows index(List<Path> files, long seed) throws IOException {
      List<Integer> fileIdx = new ArrayList<>();
      List<Long> offsets = new ArrayList<>();
      for (int f = 0; f < files.size(); f++) {
        byte[] bytes = Files.readAllBytes(files.get(f));
        long start = 0;
        for (int i = 0; i <= bytes.length; i++) {
          if (i == bytes.length || bytes[i] == '\n') {
            if (i > start && !new String(bytes, (int) start, (int) (i - start), StandardCharsets.UTF_8).isBlank()) {
              fileIdx.add(f);
              offsets.add(start);
            }
            start = i + 1;
          }
        }
      }
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < offsets.size(); i++) {
        order.add(i);
      }
      Collections.shuffle(order, new Random(seed));
      return new Rows(files, fileIdx.stream().mapToInt(Integer::intValue).toArray(),
          offsets.stream().mapToLong(Long::longValue).toArray(), List.copyOf(order));
    }

    String read(int row) throws IOException {
      try (RandomAccessFile raf = new RandomAccessFile(files.get(fileOf[row]).toFile(), "r")) {
        raf.seek(offsetOf[row]);
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        outer:
        while (true) {
          int n = raf.read(buf);
          if (n <= 0) {
            break;
          }
          for (int i = 0; i < n; i++) {
            if (buf[i] == '\n') {
              line.write(buf, 0, i);
              break outer;
            }
          }
          line.write(buf, 0, n);
        }
        return line.toString(StandardCharsets.UTF_8);
      }
    }
  }
}
