package dev.vbatch.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.aiplatform.v1.BatchPredictionJob;
import com.google.cloud.aiplatform.v1.CompletionStats;
import com.google.cloud.aiplatform.v1.JobState;
import com.google.protobuf.Timestamp;
import com.google.rpc.Status;
import dev.vbatch.request.ImportRules;
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
    if (em.rowsDone == 0 && rows.violation().isPresent()) {
      end(b, JobState.JOB_STATE_FAILED, now, 3, rows.violation().get().jobError());
      return;
    }
    if (!bigquery && !uris.bucketExists(em.outputDirectory)) {
      String bucket = em.outputDirectory.replaceFirst("^gs://", "").replaceFirst("/.*", "");
      end(b, JobState.JOB_STATE_FAILED, now, 9, "Failed to get GCS bucket location for " + bucket + ".");
      return;
    }
    em.total = rows.count();
    long target = Math.min(em.total, (long) Math.floor(running.toMillis() / 1000.0 * config.rowsPerSecond()));
    // job-failure fails half way; a stuck job stops half way and stays RUNNING until cancelled.
    long failAt = em.fault.equals("job-failure") || em.fault.equals("stuck") ? em.total / 2 : em.total;
    target = Math.min(target, failAt);
    if (target > em.rowsDone) {
      try {
        process(b, em, rows, target, now);
      } catch (OutputException e) {
        end(b, JobState.JOB_STATE_FAILED, now, 7, e.getMessage());
        return;
      }
    }
    b.setCompletionStats(CompletionStats.newBuilder().setSuccessfulCount(em.succeeded).setFailedCount(em.failed)
        .setIncompleteCount(em.total - em.rowsDone));
    if (em.fault.equals("job-failure") && em.rowsDone >= failAt) {
      end(b, JobState.JOB_STATE_FAILED, now, 13, "System error. Please try this operation again.");
    } else if (em.rowsDone >= em.total && !em.fault.equals("stuck")) {
      // Failed rows are reported inline: the job itself succeeds (VERTEX.md).
      end(b, JobState.JOB_STATE_SUCCEEDED, now, 0, null);
    }
  }

  private void process(BatchPredictionJob.Builder b, EmulatedJob em, Rows rows, long target, Instant now)
      throws IOException {
    String modelVersion = b.getModel().substring(b.getModel().lastIndexOf('/') + 1) + " (vbatch emulator)";
    EmulatedModel model = new EmulatedModel(responder, new Faults(config.withFaults(em.faults, em.seed)));
    if (!em.outputDirectory.startsWith("file:")) {
      // Cloud Storage objects cannot be appended to: each advance writes the rows it processed as a
      // file of its own, as Vertex splits its output into several predictions files. A table is
      // appended to.
      em.outputFiles++;
      String uri = em.outputDirectory.startsWith("bq://") ? em.outputDirectory
          : em.outputDirectory + String.format("/predictions_%05d.jsonl", em.outputFiles);
      try (var w = new java.io.BufferedWriter(new java.io.OutputStreamWriter(output(uri), StandardCharsets.UTF_8))) {
        for (long k = em.rowsDone; k < target; k++) {
          writeRow(w, em, model, rows, k, modelVersion, now);
        }
      }
      return;
    }
    Path out = LocalBlobStore.toPath(em.outputDirectory).resolve("predictions.jsonl");
    try {
      Files.createDirectories(out.getParent());
    } catch (IOException e) {
      throw new OutputException(em.outputDirectory, e);
    }
    if (Files.exists(out) && Files.size(out) > em.outputBytes) {
      // Rows appended by a process that died before recording them: they are written again below.
      try (var ch = java.nio.channels.FileChannel.open(out, StandardOpenOption.WRITE)) {
        ch.truncate(em.outputBytes);
      }
    }
    try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      for (long k = em.rowsDone; k < target; k++) {
        writeRow(w, em, model, rows, k, modelVersion, now);
      }
    }
    em.outputBytes = Files.size(out);
  }

  private java.io.OutputStream output(String uri) throws OutputException {
    try {
      return uris.create(uri, "application/jsonl");
    } catch (IOException e) {
      throw new OutputException(uri, e);
    }
  }

  /** The output cannot be written: the job fails with code 7, as when the service agent may not write it. */
  static final class OutputException extends IOException {
    OutputException(String uri, IOException cause) {
      super("Permission denied: the Vertex AI service agent cannot create objects under " + uri
          + " (storage.objects.create): " + cause.getMessage(), cause);
    }
  }

  private void writeRow(java.io.Writer w, EmulatedJob em, EmulatedModel model, Rows rows, long k, String modelVersion, Instant now)
      throws IOException {
    int row = rows.order().get((int) k);
    ObjectNode line = PredictionLine.of(model, rows.read(row),
        rows.partKeys().get(rows.fileOf()[row]), modelVersion, now, em.sequence);
    if (line.path("status").asText().isEmpty()) {
      em.succeeded++;
    } else {
      em.failed++;
    }
    w.write(line.toString());
    w.write('\n');
    em.rowsDone++;
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
          Path tmp = dev.vbatch.util.AtomicFiles.newTemp(inputCache, ".copy");
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

  /**
   * The input rows of a job: where each starts, the shuffled order they are answered in, the keys
   * any part has in each file (Vertex's echo gives every part a null for them), and the first rule
   * of the importer the input breaks, if any.
   */
  record Rows(List<Path> files, int[] fileOf, long[] offsetOf, List<Integer> order,
      List<java.util.Set<String>> partKeys, java.util.Optional<ImportRules.Violation> violation) {
    long count() {
      return offsetOf.length;
    }

    static Rows index(List<Path> files, long seed) throws IOException {
      List<Integer> fileIdx = new ArrayList<>();
      List<Long> offsets = new ArrayList<>();
      List<java.util.Set<String>> partKeys = new ArrayList<>();
      java.util.Optional<ImportRules.Violation> violation = java.util.Optional.empty();
      for (int f = 0; f < files.size(); f++) {
        ImportRules rules = new ImportRules();
        java.util.Set<String> keys = new java.util.TreeSet<>();
        byte[] bytes = Files.readAllBytes(files.get(f));
        long start = 0;
        for (int i = 0; i <= bytes.length; i++) {
          if (i == bytes.length || bytes[i] == '\n') {
            String text = i > start ? new String(bytes, (int) start, (int) (i - start), StandardCharsets.UTF_8) : "";
            if (!text.isBlank()) {
              fileIdx.add(f);
              offsets.add(start);
              JsonNode parsed = readable(text);
              // A line that is not JSON, or has no request, fails on its own row; the others are imported.
              if (parsed != null && parsed.path("request").isObject()) {
                Echo.addPartKeys(parsed.get("request"), keys);
                if (violation.isEmpty()) {
                  violation = rules.check(parsed);
                }
              }
            }
            start = i + 1;
          }
        }
        partKeys.add(keys);
      }
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < offsets.size(); i++) {
        order.add(i);
      }
      Collections.shuffle(order, new Random(seed));
      return new Rows(files, fileIdx.stream().mapToInt(Integer::intValue).toArray(),
          offsets.stream().mapToLong(Long::longValue).toArray(), List.copyOf(order), partKeys, violation);
    }

    private static JsonNode readable(String line) {
      try {
        JsonNode n = Json.MAPPER.readTree(line);
        return n != null && n.isObject() ? n : null;
      } catch (IOException e) {
        return null;
      }
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
