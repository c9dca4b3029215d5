package dev.vbatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vbatch.emulator.EmulatorConfig;
import dev.vbatch.emulator.EmulatorServer;
import dev.vbatch.util.CrashPoints;
import dev.vbatch.util.Json;
import dev.vbatch.util.TimeSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prompt chains on the emulator: every item accounted for per step, one round of jobs per step,
 * earlier results passed into later prompts (the emulator's responder answers from the prompt's
 * "Name: value" lines, so a value that reaches a later step's answer was passed into its prompt),
 * failures named by step, and a crash in step 2 that does not resend step 1.
 */
class ChainRunTest {
  @TempDir Path tmp;
  CliHarness cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliHarness(tmp.resolve("home"));
    Files.writeString(tmp.resolve("extract.json"), "{\"type\":\"object\",\"properties\":{\"vendor\":{\"type\":\"string\"},"
        + "\"total\":{\"type\":\"number\"}},\"required\":[\"vendor\",\"total\"]}");
    Files.writeString(tmp.resolve("classify.json"), "{\"type\":\"object\",\"properties\":{\"supplier\":{\"type\":\"string\"},"
        + "\"amount\":{\"type\":\"number\"},\"kind\":{\"type\":\"string\"}},\"required\":[\"supplier\",\"amount\",\"kind\"]}");
    Files.writeString(tmp.resolve("summary.json"), "{\"type\":\"object\",\"properties\":{\"kind\":{\"type\":\"string\"},"
        + "\"vendor\":{\"type\":\"string\"}},\"required\":[\"kind\",\"vendor\"]}");
  }

  private Path chain(int n) throws Exception {
    StringBuilder rows = new StringBuilder();
    for (int i = 0; i < n; i++) {
      rows.append("{\"q\":\"Vendor: V").append(i).append("\\nTotal: ").append(i).append("\"}\n");
    }
    Files.writeString(tmp.resolve("rows.jsonl"), rows);
    Path spec = tmp.resolve("job.yaml");
    Files.writeString(spec, """
        name: chain
        model: gemini-2.5-flash
        input:
          table:
            path: rows.jsonl
            textColumn: q
        steps:
          - name: extract
            prompt:
              user: Extract the fields.
            schema: extract.json
          - name: classify
            when: steps.extract.data.total >= 100
            prompt:
              user: |
                Classify.
                Supplier: ${steps.extract.data.vendor}
                Amount: ${steps.extract.data.total}
                Kind: kind-${steps.extract.data.vendor}
            schema: classify.json
          - name: summarise
            history: true
            prompt:
              user: |
                Summarise the ${steps.classify.data.kind}.
                Kind: ${steps.classify.data.kind}
            schema: summary.json
        """);
    return spec;
  }

  @Test
  void threeStepsOverAThousandItemsAreThreeRoundsOfJobsWithValuesPassedAlong() throws Exception {
    Path spec = chain(1000);
    CliHarness.Result r = cli.run("run", spec.toString(), "--out", tmp.resolve("out").toString(), "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    List<JsonNode> lines = CliHarness.lines(tmp.resolve("out/results.jsonl"));
    assertThat(lines).hasSize(1000);
    for (int i = 0; i < 1000; i++) {
      JsonNode l = lines.get(i);
      JsonNode steps = l.path("steps");
      assertThat(l.path("status").asText()).isEqualTo("succeeded");
      assertThat(steps.path("extract").path("data").path("vendor").asText()).isEqualTo("V" + i);
      if (i < 100) {
        // total < 100: the item leaves the chain before classify, with extract's data as its result.
        assertThat(l.path("leftBefore").asText()).isEqualTo("classify");
        assertThat(steps.has("classify")).isFalse();
        assertThat(l.path("data").path("total").asInt()).isEqualTo(i);
        continue;
      }
      JsonNode classify = steps.path("classify").path("data");
      assertThat(classify.path("supplier").asText()).isEqualTo("V" + i);
      assertThat(classify.path("amount").asInt()).isEqualTo(i);
      assertThat(classify.path("kind").asText()).isEqualTo("kind-V" + i);
      JsonNode summary = steps.path("summarise").path("data");
      assertThat(summary.path("kind").asText()).isEqualTo("kind-V" + i);
      // The vendor is only in step 1's prompt: it reached step 3 through the conversation history.
      assertThat(summary.path("vendor").asText()).isEqualTo("V" + i);
      assertThat(l.path("data")).isEqualTo(summary);
    }
    JsonNode s = r.json();
    assertThat(s.path("items").asInt()).isEqualTo(1000);
    assertThat(s.path("succeeded").asInt()).isEqualTo(1000);
    assertThat(s.path("rounds").asInt()).isEqualTo(3);
    assertThat(s.path("jobs").asInt()).isEqualTo(3);
    JsonNode classify = s.path("steps").get(1);
    assertThat(classify.path("items").asInt()).isEqualTo(900);
    assertThat(classify.path("leftBefore").asInt()).isEqualTo(100);
    assertThat(s.path("steps").get(2).path("items").asInt()).isEqualTo(900);
  }

  @Test
  void anItemThatFailsAStepLeavesTheChainWithTheStepNamed() throws Exception {
    Path spec = chain(150);
    CliHarness.Result r = cli.run("run", spec.toString(), "--out", tmp.resolve("out").toString(), "--json",
        "--retry-rounds", "0", "--emulator-fault", "row-error=0.1", "--emulator-seed", "4");
    assertThat(r.exit()).as(r.err()).isEqualTo(5);
    List<JsonNode> lines = CliHarness.lines(tmp.resolve("out/results.jsonl"));
    assertThat(lines).hasSize(150);
    List<JsonNode> failed = lines.stream().filter(l -> l.path("status").asText().equals("failed")).toList();
    assertThat(failed).isNotEmpty();
    assertThat(failed).allSatisfy(l -> {
      String step = l.path("error").path("step").asText();
      assertThat(l.path("steps").path(step).path("status").asText()).isEqualTo("failed");
      // no step after the one that failed
      List<String> order = List.of("extract", "classify", "summarise");
      order.subList(order.indexOf(step) + 1, 3).forEach(later -> assertThat(l.path("steps").has(later)).isFalse());
    });
    assertThat(failed.stream().map(l -> l.path("error").path("step").asText()).distinct()).contains("extract");
    assertThat(Files.readAllLines(tmp.resolve("out/failures.jsonl"))).hasSize(failed.size());
    assertThat(r.json().path("failed").asInt()).isEqualTo(failed.size());
  }

  @Test
  void aCrashInStepTwoResumesStepTwoAndDoesNotResendStepOne() throws Exception {
    Path spec = chain(120);
    Path home = tmp.resolve("crash-home");
    try (EmulatorServer emulator = EmulatorServer.start(0, tmp.resolve("emulator"), EmulatorConfig.defaults(), TimeSource.SYSTEM)) {
      List<String> args = List.of("run", spec.toString(), "--home", home.toString(), "--out", tmp.resolve("out").toString(),
          "--json", "--emulator-endpoint", emulator.endpoint());
      // The 2nd round collected in this process is step 2's: halt before its state records that.
      Process crashed = CliProcess.start(args, "collect.written:2", tmp.resolve("crash"));
      assertThat(crashed.waitFor()).as(Files.readString(tmp.resolve("crash.err"))).isEqualTo(CrashPoints.HALT_STATUS);
      Path runs = home.resolve("runs");
      Path step1 = only(runs, "-1-extract");
      Path step2 = only(runs, "-2-classify");
      String step1State = Files.readString(step1.resolve("state.json"));
      List<String> step2Jobs = jobs(step2);
      assertThat(step2Jobs).hasSize(1);

      Process resumed = CliProcess.start(args, null, tmp.resolve("resume"));
      assertThat(resumed.waitFor()).as(Files.readString(tmp.resolve("resume.err"))).isZero();
      String err = Files.readString(tmp.resolve("resume.err"));
      assertThat(err).contains("resuming chain").contains("step 1 (extract) finished before the restart")
          .contains("step 2 (classify): resuming run");
      assertThat(Files.readString(step1.resolve("state.json"))).as("step 1 untouched").isEqualTo(step1State);
      assertThat(jobs(step2)).as("step 2's job was not submitted again").isEqualTo(step2Jobs);
      try (var dirs = Files.list(runs)) {
        assertThat(dirs.toList()).as("one run per step").hasSize(3);
      }
      List<JsonNode> lines = CliHarness.lines(tmp.resolve("out/results.jsonl"));
      assertThat(lines).hasSize(120).allSatisfy(l -> assertThat(l.path("status").asText()).isEqualTo("succeeded"));
      assertThat(lines.stream().filter(l -> l.path("steps").has("summarise"))).hasSize(20);
    }
  }

  private static Path only(Path runs, String suffix) throws Exception {
    try (var dirs = Files.list(runs)) {
      List<Path> found = dirs.filter(d -> d.getFileName().toString().endsWith(suffix)).toList();
      assertThat(found).hasSize(1);
      return found.get(0);
    }
  }

  private static List<String> jobs(Path run) throws Exception {
    JsonNode state = Json.MAPPER.readTree(run.resolve("state.json").toFile());
    return java.util.stream.StreamSupport.stream(state.path("shards").spliterator(), false)
        .map(s -> s.path("jobName").asText()).toList();
  }
}
