package dev.vbatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vbatch.spec.ResultSchema;
import dev.vbatch.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The sample job end to end through the CLI, on the emulator, with and without faults. */
class RunCommandTest {
  static final Path SPEC = Path.of("jobs/sample-invoices/job.yaml");
  static final Path SAMPLES = Path.of("samples/invoices");

  @TempDir Path tmp;

  static Set<String> sampleFiles() throws Exception {
    try (Stream<Path> files = Files.list(SAMPLES)) {
      return files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  @Test
  void sampleJobSucceedsForEveryInputWithSchemaValidData() throws Exception {
    CliHarness cli = new CliHarness(tmp.resolve("home"));
    Path out = tmp.resolve("out");
    CliHarness.Result r = cli.run("run", SPEC.toString(), "--out", out.toString(), "--json");
    assertThat(r.exit()).as(r.err()).isEqualTo(0);
    JsonNode summary = r.json();
    assertThat(summary.path("items").asInt()).isEqualTo(sampleFiles().size());
    assertThat(summary.path("succeeded").asInt()).isEqualTo(sampleFiles().size());
    assertThat(summary.path("predictions").path("unmatched").asInt()).isZero();
    assertThat(summary.path("jobs").get(0).path("state").asText()).isEqualTo("SUCCEEDED");
    assertThat(summary.path("cost").path("batch").asDouble()).isGreaterThan(0);

    ResultSchema schema = new ResultSchema(Json.MAPPER.readTree(Path.of("jobs/sample-invoices/schema.json").toFile()));
    List<JsonNode> results = CliHarness.lines(out.resolve("results.jsonl"));
    assertThat(results).extracting(n -> n.path("source").asText()).containsExactlyInAnyOrderElementsOf(sampleFiles());
    for (JsonNode line : results) {
      assertThat(line.path("status").asText()).isEqualTo("succeeded");
      assertThat(schema.validate(line.get("data"))).as(line.toString()).isEmpty();
      assertThat(line.path("usage").path("totalTokens").asLong()).isPositive();
    }
    JsonNode pdf = results.stream().filter(n -> n.path("source").asText().equals("invoice-1001.pdf")).findFirst().orElseThrow();
    assertThat(pdf.path("data").path("invoice_number").asText()).isEqualTo("INV-1001");
    assertThat(pdf.path("data").path("total").asDouble()).isEqualTo(1234.5);
    JsonNode png = results.stream().filter(n -> n.path("source").asText().equals("receipt-2002.png")).findFirst().orElseThrow();
    assertThat(png.path("data").path("vendor").asText()).isEqualTo("City Parking");
    assertThat(Files.readString(out.resolve("failures.jsonl"))).isEmpty();
    assertThat(r.err()).contains("items 7 = succeeded 7 + failed 0 + skipped 0");
  }

  @ParameterizedTest
  @CsvSource({
    "row-error=0.5, request-error, 5",
    "blocked=0.5, blocked, 5",
    "malformed-json=0.5, invalid-json, 5",
    "truncated-json=0.5, truncated, 5",
    "transient=0.3, , 0",
    "job-failure=1, job-failed, 4",
    "expire=1, job-expired, 4",
  })
  void withFaultsEveryInputStillHasOneLineAndCountsAddUp(String fault, String reason, int exit) throws Exception {
    CliHarness cli = new CliHarness(tmp.resolve("home"));
    Path out = tmp.resolve("out");
    CliHarness.Result r = cli.run("run", SPEC.toString(), "--out", out.toString(), "--json",
        "--emulator-fault", fault, "--emulator-seed", "11", "--retry-rounds", "0");
    assertThat(r.exit()).as(r.err()).isEqualTo(exit);
    List<JsonNode> results = CliHarness.lines(out.resolve("results.jsonl"));
    assertThat(results).extracting(n -> n.path("source").asText()).containsExactlyInAnyOrderElementsOf(sampleFiles());
    long failed = results.stream().filter(n -> n.path("status").asText().equals("failed")).count();
    for (JsonNode line : results) {
      if (!line.path("status").asText().equals("succeeded")) {
        assertThat(line.path("error").path("reason").asText()).isNotBlank();
        assertThat(line.path("error").path("message").asText()).isNotBlank();
      }
    }
    JsonNode s = r.json();
    assertThat(s.path("succeeded").asLong() + s.path("failed").asLong() + s.path("skipped").asLong()).isEqualTo(s.path("items").asLong());
    assertThat(s.path("failed").asLong()).isEqualTo(failed);
    assertThat(CliHarness.lines(out.resolve("failures.jsonl"))).hasSize((int) failed);
    if (reason == null) {
      assertThat(failed).isZero();
    } else {
      assertThat(failed).isPositive();
      assertThat(s.path("byReason").path(reason).asLong()).isEqualTo(failed);
    }
  }

  @Test
  void jobFailureKeepsTheRowsWrittenBeforeIt() throws Exception {
    CliHarness cli = new CliHarness(tmp.resolve("home"));
    CliHarness.Result r = cli.run("run", SPEC.toString(), "--out", tmp.resolve("out").toString(), "--json",
        "--emulator-fault", "job-failure=1", "--retry-rounds", "0");
    JsonNode s = r.json();
    assertThat(s.path("jobs").get(0).path("state").asText()).isEqualTo("FAILED");
    assertThat(s.path("succeeded").asInt()).isEqualTo(3);
    assertThat(s.path("jobs").get(0).path("error").asText()).contains("System error. Please try this operation again.");
  }

  @Test
  void badFaultIsAUsageError() {
    CliHarness.Result r = new CliHarness(tmp.resolve("home")).run("run", SPEC.toString(), "--emulator-fault", "gremlins=0.5");
    assertThat(r.exit()).isEqualTo(2);
    // The message and where help is; not the whole usage, which buried it.
    assertThat(r.err()).isEqualTo(String.join(System.lineSeparator(),
        "error: --emulator-fault: unknown fault 'gremlins'; known faults: row-error, invalid-request, blocked, malformed-json, truncated-json, thought-parts, split-answer, empty-stop, no-total-tokens, transient, job-failure, expire, stuck",
        "Try 'vbatch run --help' for more information.", ""));
  }

  @Test
  void invalidSpecExitsTwoListingEveryProblem() throws Exception {
    Path spec = tmp.resolve("job.yaml");
    Files.writeString(spec, "model: gemini-2.5-flash\ngeneration:\n  temperature: 9\n");
    CliHarness.Result r = new CliHarness(tmp.resolve("home")).run("run", spec.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo(String.join(System.lineSeparator(),
        "error: the job spec is not valid (4 problems):",
        "  " + spec + ": property 'input' is missing; give 'files' (a directory or glob) or 'table' (a CSV or JSONL file)",
        "  " + spec + ": property 'prompt' is missing; give a prompt file (prompt: prompt.yaml) with 'system' and 'user', or those two keys inline",
        "  " + spec + ": property 'schema' is missing; give a JSON Schema file for the structured result, e.g. schema: schema.json",
        "  " + spec + ": property 'generation.temperature' is 9; allowed 0 to 2", ""));
    assertThat(Files.exists(tmp.resolve("home"))).isFalse();
  }
}
