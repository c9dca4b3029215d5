package dev.vbatch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.aiplatform.v1.Content;
import com.google.cloud.aiplatform.v1.GenerateContentRequest;
import com.google.cloud.aiplatform.v1.GenerationConfig;
import com.google.cloud.aiplatform.v1.Part;
import dev.vbatch.emulator.EmulatorConfig;
import dev.vbatch.emulator.EmulatorServer;
import dev.vbatch.online.OnlineExecutor;
import dev.vbatch.request.RequestKey;
import dev.vbatch.results.Outcome;
import dev.vbatch.results.PredictionDecoder;
import dev.vbatch.spec.ResultSchema;
import dev.vbatch.spec.SchemaConverter;
import dev.vbatch.util.Durations;
import dev.vbatch.util.Json;
import dev.vbatch.util.TimeSource;
import dev.vbatch.vertex.VertexOnlineModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The online benchmark (scripts/bench-online): the emulator answers each call after a fixed
 * latency L; for each concurrency C the executor sends N requests through the real
 * PredictionServiceClient, decoding and validating every answer, and the achieved throughput is
 * printed next to the limit min(C/L, RPM/60).
 */
public final class OnlineBench {
  private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"vendor\":{\"type\":\"string\"},"
      + "\"total\":{\"type\":\"number\"}},\"required\":[\"vendor\",\"total\"]}";

  private OnlineBench() {}

  public static void main(String[] args) throws Exception {
    Duration latency = Duration.ofMillis(200);
    List<Integer> concurrencies = List.of(10, 100, 500);
    long rpm = 1_000_000;
    Integer requests = null;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : "";
      switch (args[i]) {
        case "--latency" -> latency = Durations.parse(value);
        case "--concurrency" -> concurrencies = java.util.Arrays.stream(value.split(",")).map(String::trim).map(Integer::valueOf).toList();
        case "--rpm" -> rpm = Long.parseLong(value);
        case "--requests" -> requests = Integer.valueOf(value);
        default -> {
          System.err.println("usage: scripts/bench-online [--latency 200ms] [--concurrency 10,100,500] [--rpm 1000000] [--requests N]");
          System.exit(2);
        }
      }
      i++;
    }
    JsonNode schemaNode = Json.read(SCHEMA);
    PredictionDecoder decoder = new PredictionDecoder(new ResultSchema(schemaNode), 0);
    GenerationConfig generation = GenerationConfig.newBuilder().setResponseMimeType("application/json")
        .setResponseSchema(SchemaConverter.convert(schemaNode).schema()).build();
    Path data = Files.createTempDirectory("vbatch-bench-online");
    System.out.printf("online executor vs emulator: latency %d ms, rpm %d, %d cores, java %s%n", latency.toMillis(), rpm,
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    System.out.printf("%6s %9s %10s %12s %12s %7s %9s%n", "C", "requests", "seconds", "achieved/s", "limit/s", "ratio", "failed");
    try (EmulatorServer emulator = EmulatorServer.start(0, data, EmulatorConfig.defaults().withLatency(latency, Duration.ZERO),
        TimeSource.SYSTEM)) {
      for (int c : concurrencies) {
        double limit = Math.min(c / (latency.toNanos() / 1e9), rpm / 60.0);
        int n = requests != null ? requests : (int) Math.max(1000, Math.min(20_000, Math.round(limit * 10)));
        try (VertexOnlineModel model = VertexOnlineModel.connect(emulator.endpoint(), true, "bench", "local",
            "publishers/google/models/gemini-2.5-flash", c, "bench")) {
          OnlineExecutor.Settings settings = new OnlineExecutor.Settings(c, rpm, 0, 3);
          run(model, settings, decoder, generation, "warm-up", Math.min(n, 2 * c + 200)); // JIT and connections
          long t0 = System.nanoTime();
          long failed = run(model, settings, decoder, generation, "c" + c, n);
          double seconds = (System.nanoTime() - t0) / 1e9;
          double achieved = n / seconds;
          System.out.printf("%6d %9d %10.2f %12.1f %12.1f %7.3f %9d%n", c, n, seconds, achieved, limit, achieved / limit, failed);
        }
      }
    }
  }

  /** Sends {@code n} distinct requests; returns how many did not end succeeded. */
  private static long run(VertexOnlineModel model, OnlineExecutor.Settings settings, PredictionDecoder decoder,
      GenerationConfig generation, String tag, int n) throws InterruptedException {
    Iterator<OnlineExecutor.Call> calls = new Iterator<>() {
      private int i;

      @Override
      public boolean hasNext() {
        return i < n;
      }

      @Override
      public OnlineExecutor.Call next() {
        int k = i++;
        GenerateContentRequest request = GenerateContentRequest.newBuilder()
            .addContents(Content.newBuilder().setRole("user").addParts(Part.newBuilder()
                .setText("Extract the fields.\nVendor: " + tag + "-" + k + "\nTotal: " + k)))
            .setGenerationConfig(generation).build();
        return new OnlineExecutor.Call(RequestKey.of(request), request, 20);
      }
    };
    AtomicLong failed = new AtomicLong();
    new OnlineExecutor(model, settings, TimeSource.SYSTEM, new Random(1)).run(calls, r -> {
      Outcome o = r.response() != null ? decoder.outcome(r.response()) : null;
      if (o == null || o.status() != Outcome.Status.SUCCEEDED) {
        failed.incrementAndGet();
      }
      return true;
    });
    return failed.get();
  }
}
