package dev.vbatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** submit, status, wait and fetch, each a separate command, end where run ends. */
class SubmitFetchTest {
  @TempDir Path tmp;

  @Test
  void submitStatusFetchGiveTheSameResultsAsRun() throws Exception {
    CliHarness cli = new CliHarness(tmp.resolve("home"));
    CliHarness.Result submitted = cli.run("submit", RunCommandTest.SPEC.toString(), "--out", tmp.resolve("a").toString());
    assertThat(submitted.exit()).as(submitted.err()).isZero();
    String runId = submitted.out().trim();
    assertThat(runId).matches("\\d{8}-\\d{6}-[0-9a-f]{4}");
    assertThat(submitted.err()).contains("follow it with: vbatch status " + runId);

    CliHarness.Result status = cli.run("status", runId, "--json");
    assertThat(status.exit()).as(status.err()).isZero();
    assertThat(status.json().path("shards").get(0).path("state").asText()).isEqualTo("QUEUED");
    assertThat(status.json().path("stage").asText()).isEqualTo("submitted");

    CliHarness.Result waited = cli.run("wait", runId);
    assertThat(waited.exit()).as(waited.err()).isZero();
    assertThat(waited.out()).contains("SUCCEEDED").contains("output: file://");

    CliHarness.Result fetched = cli.run("fetch", runId, "--json");
    assertThat(fetched.exit()).as(fetched.err()).isZero();
    assertThat(fetched.json().path("succeeded").asInt()).isEqualTo(7);

    CliHarness.Result run = cli.run("run", RunCommandTest.SPEC.toString(), "--out", tmp.resolve("b").toString(), "--refresh");
    assertThat(run.exit()).isZero();
    assertThat(Files.readString(tmp.resolve("a/results.jsonl"))).isEqualTo(Files.readString(tmp.resolve("b/results.jsonl")));
  }

  @Test
  void rowFaultsTravelWithTheJobToTheProcessThatFetches() throws Exception {
    CliHarness cli = new CliHarness(tmp.resolve("home"));
    String runId = cli.run("submit", RunCommandTest.SPEC.toString(), "--out", tmp.resolve("a").toString(),
        "--emulator-fault", "row-error=1", "--retry-rounds", "0").out().trim();
    CliHarness.Result fetched = cli.run("fetch", runId, "--json");
    // Every row failed, and the job still SUCCEEDED, as on Vertex, where failed rows are reported
    // inline; the items failed for their own reason (request-error), so the exit code is 5, not 4.
    assertThat(fetched.exit()).as(fetched.err() + fetched.out()).isEqualTo(5);
    assertThat(fetched.json().path("jobs").get(0).path("state").asText()).isEqualTo("SUCCEEDED");
    assertThat(fetched.json().path("byReason").path("request-error").asInt()).isEqualTo(7);
  }

  @Test
  void anUnknownRunIsAUsageErrorListingTheKnownOnes() {
    CliHarness cli = new CliHarness(tmp.resolve("home"));
    CliHarness.Result r = cli.run("status", "nope");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("no run 'nope' in " + tmp.resolve("home/runs") + " (there are none; start one with 'vbatch submit SPEC')");
  }
}
