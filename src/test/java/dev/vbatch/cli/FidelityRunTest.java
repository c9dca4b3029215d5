package dev.vbatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Runs against an emulator that behaves like Vertex: a schema property Vertex's importer would
 * refuse works unchanged, a request that cannot be made safe is refused in plan, and the real
 * response variants decode to the right outcome.
 */
class FidelityRunTest {
  @TempDir Path tmp;
  CliHarness cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliHarness(tmp.resolve("home"));
    Files.createDirectories(tmp.resolve("docs"));
    Files.writeString(tmp.resolve("docs/a.txt"), "Invoice number: INV-7\nTotal: 14\n");
    Files.writeString(tmp.resolve("docs/b.txt"), "Invoice number: INV-8\nTotal: 21\n");
  }

  private Path spec(String schema) throws Exception {
    Files.writeString(tmp.resolve("schema.json"), schema);
    Path spec = tmp.resolve("job.yaml");
    Files.writeString(spec, "name: fidelity\nmodel: gemini-2.5-flash\ninput:\n  files: docs\n"
        + "prompt:\n  user: Extract the fields.\nschema: schema.json\n");
    return spec;
  }

  static final String SPACED = "{\"type\":\"object\",\"properties\":{\"invoice number\":{\"type\":\"string\"},"
      + "\"total\":{\"type\":\"number\"}},\"required\":[\"invoice number\",\"total\"]}";

  @Test
  void aPropertyNameTheImporterRefusesWorksUnchanged() throws Exception {
    CliHarness.Result r = cli.run("run", spec(SPACED).toString(), "--out", tmp.resolve("out").toString(), "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).contains("property 'invoice number' is not a name Vertex's input importer accepts; it is sent as"
        + " 'invoice_number'");
    List<JsonNode> lines = CliHarness.lines(tmp.resolve("out/results.jsonl"));
    assertThat(lines).extracting(n -> n.path("data").path("invoice number").asText()).containsExactly("INV-7", "INV-8");
    assertThat(lines).extracting(n -> n.path("data").has("invoice_number")).containsOnly(false);
  }

  @Test
  void aRequestThatCannotBeMadeSafeIsRefusedInPlanAndRunSubmitsNothing() throws Exception {
    String deep = "{\"type\":\"string\"}";
    for (int i = 7; i >= 1; i--) {
      deep = "{\"type\":\"object\",\"properties\":{\"level" + i + "\":" + deep + "}}";
    }
    Path spec = spec(deep);
    CliHarness.Result plan = cli.run("plan", spec.toString());
    assertThat(plan.exit()).as(plan.err()).isEqualTo(2);
    assertThat(plan.err()).contains("error: the request for a.txt would fail the whole batch job when Vertex imports its"
        + " input (after the job waited in the queue): Schema nested too deeply, at least 17 compared to the maximum"
        + " allowed level of 15.")
        .contains("properties.level1.properties.level2.properties.level3.properties.level4.properties.level5"
            + ".properties.level6.properties.level7")
        .contains("Nothing was submitted.");
    CliHarness.Result run = cli.run("run", spec.toString(), "--out", tmp.resolve("out").toString());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(tmp.resolve("out/results.jsonl")).doesNotExist();
    assertThat(tmp.resolve("home/emulator/jobs")).satisfiesAnyOf(
        dir -> assertThat(dir).doesNotExist(), dir -> assertThat(dir).isEmptyDirectory());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "thought-parts, succeeded, ''",
      "split-answer, succeeded, ''",
      "no-total-tokens, succeeded, ''",
      "empty-stop, failed, empty-response",
      "invalid-request, failed, request-invalid",
      "blocked, failed, blocked",
  })
  void realResponseVariantsDecodeToTheirOutcome(String fault, String status, String reason) throws Exception {
    CliHarness.Result r = cli.run("run", spec(SPACED).toString(), "--out", tmp.resolve("out").toString(), "--json",
        "--emulator-fault", fault + "=1", "--retry-rounds", "2");
    assertThat(r.exit()).as(r.err()).isEqualTo(status.equals("succeeded") ? 0 : 5);
    List<JsonNode> lines = CliHarness.lines(tmp.resolve("out/results.jsonl"));
    assertThat(lines).extracting(n -> n.path("status").asText()).containsOnly(status);
    assertThat(lines).extracting(n -> n.path("error").path("reason").asText()).containsOnly(reason);
    // Failed rows carry no usage and are not billed; every answered row has a total, computed when absent.
    assertThat(lines).extracting(n -> n.path("usage").path("totalTokens").asLong())
        .allMatch(t -> reason.equals("request-invalid") ? t == 0 : t > 0);
    if (reason.equals("request-invalid") || reason.equals("blocked")) {
      // Neither is worth sending again: one round only, whatever retry.rounds allows.
      assertThat(r.json().path("rounds")).hasSize(1);
    }
  }
}
