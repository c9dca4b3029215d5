package dev.vbatch.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.aiplatform.v1.Content;
import com.google.cloud.aiplatform.v1.GenerateContentRequest;
import com.google.cloud.aiplatform.v1.GenerationConfig;
import com.google.cloud.aiplatform.v1.Part;
import dev.vbatch.emulator.Echo;
import dev.vbatch.event.EventSink;
import dev.vbatch.request.RequestKey;
import dev.vbatch.results.OutcomeFile;
import dev.vbatch.results.PredictionDecoder;
import dev.vbatch.results.AnswerStore;
import dev.vbatch.run.CollectStep;
import dev.vbatch.run.Collected;
import dev.vbatch.run.Ledger;
import dev.vbatch.run.ResultsStep;
import dev.vbatch.util.KeyTable;
import java.io.BufferedReader;
import dev.vbatch.spec.ResultSchema;
import dev.vbatch.spec.SchemaConverter;
import dev.vbatch.storage.LocalBlobStore;
import dev.vbatch.util.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The merge benchmark (scripts/bench). {@code generate DIR M} writes a Vertex-format predictions
 * file of M lines in shuffled order, each echoing its request re-serialized as Vertex does, and the
 * round's keys. {@code merge DIR [REFERENCE.py]} merges it with the production code (CollectStep:
 * read, key, decode, validate; then the round's outcome file), prints lines/s, MB/s, peak heap and
 * RSS, the parse-only floor (Jackson's streaming parser over the same file), and the reference
 * script's time.
 */
public final class MergeBench {
  static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"vendor\":{\"type\":\"string\"},"
      + "\"total\":{\"type\":\"number\"},\"date\":{\"type\":\"string\"},\"lines\":{\"type\":\"array\",\"items\":"
      + "{\"type\":\"object\",\"properties\":{\"item\":{\"type\":\"string\"},\"amount\":{\"type\":\"number\"}},"
      + "\"required\":[\"item\",\"amount\"]}}},\"required\":[\"vendor\",\"total\"]}";

  private MergeBench() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[1]);
    if (args[0].equals("generate")) {
      generate(dir, Integer.parseInt(args[2]));
    } else {
      merge(dir, args.length > 2 ? Path.of(args[2]) : null);
    }
  }

  static void generate(Path dir, int m) throws IOException {
    Files.createDirectories(dir.resolve("output"));
    JsonNode schema = Json.read(SCHEMA);
    GenerationConfig generation = GenerationConfig.newBuilder().setResponseMimeType("application/json")
        .setTemperature(0.1f).setResponseSchema(SchemaConverter.convert(schema).schema()).build();
    Random random = new Random(42);
    int[] order = new int[m];
    for (int i = 0; i < m; i++) {
      order[i] = i;
    }
    for (int i = m - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    try (BufferedWriter keys = Files.newBufferedWriter(dir.resolve("round-1.keys"));
        BufferedWriter items = Files.newBufferedWriter(dir.resolve("items.jsonl"));
        BufferedWriter out = Files.newBufferedWriter(dir.resolve("output/predictions.jsonl"))) {
      // Keys and the ledger in input order; predictions shuffled.
      for (int i = 0; i < m; i++) {
        String key = RequestKey.of(request(i, generation));
        keys.write(key + "\t0\n");
        items.write(Json.write(new Ledger.Entry("inputs/doc-" + i + ".txt", key, 0, null, null, false)) + "\n");
      }
      for (int i : order) {
        GenerateContentRequest request = request(i, generation);
        ObjectNode line = Json.object();
        line.put("status", "");
        line.put("processed_time", "2026-11-21T03:00:00.000+00:00");
        line.set("request", Echo.of(request));
        String text = "{\"vendor\":\"Vendor " + i + "\",\"total\":" + (i % 1000) + "." + (i % 100) + ",\"date\":\"2026-11-"
            + (10 + i % 19) + "\",\"lines\":[{\"item\":\"widget\",\"amount\":" + (i % 7) + "},{\"item\":\"gadget\",\"amount\":"
            + (i % 11) + "}]}";
        ObjectNode response = line.putObject("response");
        ObjectNode candidate = response.putArray("candidates").addObject();
        candidate.putObject("content").put("role", "model").putArray("parts").addObject().put("text", text);
        candidate.put("finishReason", "STOP");
        candidate.put("avgLogprobs", -0.0123);
        response.putObject("usageMetadata").put("promptTokenCount", 60).put("candidatesTokenCount", 40)
            .put("totalTokenCount", 100).putArray("promptTokensDetails").addObject().put("modality", "TEXT").put("tokenCount", 60);
        response.put("modelVersion", "gemini-2.5-flash");
        response.put("createTime", "2026-11-21T03:00:00.000000Z");
        response.put("responseId", Long.toHexString(random.nextLong()));
        out.write(Json.write(line));
        out.write('\n');
      }
    }
    System.out.printf("generated %,d predictions (shuffled), %.1f MB%n", m,
        Files.size(dir.resolve("output/predictions.jsonl")) / 1e6);
  }

  static GenerateContentRequest request(int i, GenerationConfig generation) {
    return GenerateContentRequest.newBuilder()
        .setSystemInstruction(Content.newBuilder().addParts(Part.newBuilder().setText("You extract invoice fields.")))
        .addContents(Content.newBuilder().setRole("user").addParts(Part.newBuilder()
            .setText("Extract the vendor, total, date and lines.\nVendor: Vendor " + i + "\nTotal: " + (i % 1000))))
        .setGenerationConfig(generation).build();
  }

  static void merge(Path dir, Path reference) throws Exception {
    Path predictions = dir.resolve("output/predictions.jsonl");
    double mb = Files.size(predictions) / 1e6;
    long t0 = System.nanoTime();
    KeyTable keys = new KeyTable();
    try (BufferedReader reader = Files.newBufferedReader(dir.resolve("round-1.keys"), StandardCharsets.US_ASCII)) {
      String line;
      while ((line = reader.readLine()) != null) {
        keys.add(line.substring(0, line.indexOf('\t')));
      }
    }
    LocalBlobStore store = new LocalBlobStore(dir);
    PredictionDecoder decoder = new PredictionDecoder(new ResultSchema(Json.read(SCHEMA)), 0);
    Collected[] got = new Collected[1];
    OutcomeFile.write(dir.resolve("round-1.jsonl"), Map.of(), out ->
        got[0] = CollectStep.run(List.of(store.uri("output")), keys, store, decoder, EventSink.NONE, out));
    double seconds = (System.nanoTime() - t0) / 1e9;
    long lines = got[0].lines();
    System.out.printf("merge:  %,d lines, %.1f MB in %.2f s: %,.0f lines/s, %.1f MB/s; %,d succeeded, %d unmatched%n",
        lines, mb, seconds, lines / seconds, mb / seconds, got[0].succeeded(), got[0].unmatched());
    long w0 = System.nanoTime();
    ResultsStep.Done done = ResultsStep.run(dir, List.of(1), dir.resolve("out"), Set.of(),
        new AnswerStore(dir.resolve("answers")), "bench", "gemini-2.5-flash");
    double write = (System.nanoTime() - w0) / 1e9;
    System.out.printf("write:  results.jsonl for %,d items (join by key, input order) in %.2f s: %,.0f items/s%n",
        done.counts().items(), write, done.counts().items() / write);
    System.out.printf("memory: peak heap %.0f MB (max %.0f MB), peak RSS %s%n", peakHeap() / 1e6,
        Runtime.getRuntime().maxMemory() / 1e6, peakRss());
    double floor = floor(predictions);
    System.out.printf("floor:  Jackson streaming parse only, %.2f s (%.1f MB/s); merge = %.1f x floor%n",
        floor, mb / floor, seconds / floor);
    if (reference != null) {
      long r0 = System.nanoTime();
      Process p = new ProcessBuilder("python3", reference.toString(), dir.toString()).inheritIO().start();
      if (p.waitFor() != 0) {
        System.out.println("python reference failed (exit " + p.exitValue() + ")");
        return;
      }
      double py = (System.nanoTime() - r0) / 1e9;
      System.out.printf("python: json.loads per line reference, %.2f s (%,.0f lines/s); merge is %.1f x faster%n",
          py, lines / py, py / seconds);
    }
  }

  /** Seconds to parse every token of the file with Jackson's streaming parser, and do nothing else (best of 2). */
  static double floor(Path file) throws IOException {
    double best = Double.MAX_VALUE;
    for (int run = 0; run < 2; run++) {
      long t0 = System.nanoTime();
      long tokens = 0;
      try (InputStream in = Files.newInputStream(file); JsonParser p = Json.MAPPER.getFactory().createParser(in)) {
        JsonToken t;
        while ((t = p.nextToken()) != null) {
          if (t == JsonToken.VALUE_STRING) {
            p.getText();
          }
          tokens++;
        }
      }
      best = Math.min(best, (System.nanoTime() - t0) / 1e9);
      if (tokens == 0) {
        throw new IllegalStateException("empty file");
      }
    }
    return best;
  }

  static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  static String peakRss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return String.format("%.0f MB", Long.parseLong(line.replaceAll("\\D", "")) / 1e3);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return "unknown";
  }

}
