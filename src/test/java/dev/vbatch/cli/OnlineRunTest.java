package dev.vbatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vbatch.testing.SampleFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Online mode end to end on the emulator: the same results as batch, retries, maxFailed and mode choice. */
class OnlineRunTest {
  @TempDir Path tmp;
  CliHarness cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliHarness(tmp.resolve("home"));
    Files.writeString(tmp.resolve("schema.json"), SampleFiles.TOTAL_VENDOR_SCHEMA);
  }

  /** A job over {@code n} table rows, each with its own vendor and total. */
  private Path rows(int n, String extra) throws Exception {
    StringBuilder rows = new StringBuilder();
    for (int i = 0; i < n; i++) {
      rows.append("{\"q\":\"Vendor: V").append(i).append("\\nTotal: ").append(i).append("\"}\n");
    }
    Files.writeString(tmp.resolve("rows.jsonl"), rows);
    Path spec = tmp.resolve("job.yaml");
    Files.writeString(spec, "name: online\nmodel: gemini-2.5-flash\ninput:\n  table:\n    path: rows.jsonl\n    textColumn: q\n"
        + "prompt:\n  user: Extract the fields.\nschema: schema.json\n" + extra);
    return spec;
  }

  @Test
  void theSampleJobOnlineGivesTheSameResultsAsBatch() throws Exception {
    CliHarness.Result batch = cli.run("run", RunCommandTest.SPEC.toString(), "--out", tmp.resolve("batch").toString(), "--json");
    // The same home, so files stage to the same URIs and requests have the same keys; --refresh sends them again.
    CliHarness.Result online = cli.run("run", RunCommandTest.SPEC.toString(),
        "--out", tmp.resolve("online").toString(), "--json", "--mode", "online", "--refresh");
    assertThat(batch.exit()).as(batch.err()).isZero();
    assertThat(online.exit()).as(online.err()).isZero();
    assertThat(CrashLoopTest.normalized(tmp.resolve("online/results.jsonl")))
        .isEqualTo(CrashLoopTest.normalized(tmp.resolve("batch/results.jsonl")));
    JsonNode round = online.json().path("rounds").get(0);
    assertThat(round.path("mode").asText()).isEqualTo("online");
    assertThat(round.path("calls").asInt()).isEqualTo(7);
    assertThat(online.json().path("jobs")).isEmpty();
    assertThat(online.json().path("cost").path("estimate").asDouble()).isEqualTo(online.json().path("cost").path("online").asDouble());
    assertThat(online.err()).contains("sending 7 request(s) online to gemini-2.5-flash");
  }

  @Test
  void withOneCallInFiveFailingTransientlyEveryItemStillSucceeds() throws Exception {
    Path spec = rows(300, "mode: online\nonline:\n  concurrency: 32\n  maxRetries: 6\n");
    CliHarness.Result r = cli.run("run", spec.toString(), "--out", tmp.resolve("out").toString(), "--json",
        "--emulator-fault", "transient=0.2", "--emulator-seed", "5");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.json().path("succeeded").asInt()).isEqualTo(300);
    JsonNode round = r.json().path("rounds").get(0);
    // About a fifth of the calls failed and were retried: calls = requests + retries.
    assertThat(round.path("retries").asInt()).isBetween(40, 120);
    assertThat(round.path("calls").asInt()).isEqualTo(300 + round.path("retries").asInt());
    List<JsonNode> lines = CliHarness.lines(tmp.resolve("out/results.jsonl"));
    assertThat(lines).hasSize(300).allSatisfy(l -> assertThat(l.path("data").path("vendor").asText())
        .isEqualTo("V" + l.path("data").path("total").asInt()));
  }

  @Test
  void moreFailuresThanMaxFailedStopTheRunAndKeepWhatFinished() throws Exception {
    Path spec = rows(60, "mode: online\nonline:\n  concurrency: 2\n  maxFailed: 5\n");
    CliHarness.Result r = cli.run("run", spec.toString(), "--out", tmp.resolve("out").toString(), "--json",
        "--emulator-fault", "row-error=0.5", "--emulator-seed", "2");
    assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.JOB_FAILED);
    JsonNode s = r.json();
    assertThat(s.path("items").asInt()).isEqualTo(60);
    // The 6th failure stops the sending; the one other call then in flight (concurrency 2) may fail too.
    int failed = s.path("byReason").path("request-error").asInt();
    assertThat(failed).isBetween(6, 7);
    assertThat(s.path("byReason").path("stopped").asInt()).isPositive();
    assertThat(s.path("succeeded").asInt() + failed + s.path("byReason").path("stopped").asInt()).isEqualTo(60);
    assertThat(s.path("rounds")).as("no retry round after a stop").hasSize(1);
    assertThat(s.path("stopped").asText()).contains("more than online.maxFailed (5)");
    assertThat(r.err()).contains("stopped sending: 6 requests failed for good, more than online.maxFailed (5)");
    // A second run sends only what was not answered: the successes are reused.
    CliHarness.Result again = cli.run("run", spec.toString(), "--out", tmp.resolve("out2").toString(), "--json",
        "--emulator-fault", "row-error=0.5", "--emulator-seed", "2");
    assertThat(again.json().path("reused").asInt()).isEqualTo(s.path("succeeded").asInt());
  }

  @Test
  void autoSendsSmallRoundsOnlineAndLargeOnesAsBatchJobs() throws Exception {
    CliHarness.Result small = cli.run("run", rows(7, "mode: auto\n").toString(), "--out", tmp.resolve("a").toString(), "--json");
    assertThat(small.exit()).as(small.err()).isZero();
    assertThat(small.json().path("rounds").get(0).path("mode").asText()).isEqualTo("online");
    CliHarness.Result large = new CliHarness(tmp.resolve("home2")).run("run",
        rows(7, "mode: auto\nonline:\n  autoBelow: 5\n").toString(), "--out", tmp.resolve("b").toString(), "--json");
    assertThat(large.exit()).as(large.err()).isZero();
    assertThat(large.json().path("rounds").get(0).path("mode").asText()).isEqualTo("batch");
    assertThat(large.json().path("jobs")).hasSize(1);
  }

  @Test
  void retryRoundsCanRunOnlineAfterABatchRound() throws Exception {
    Path spec = rows(40, "retry:\n  rounds: 2\n  mode: online\n");
    CliHarness.Result r = cli.run("run", spec.toString(), "--out", tmp.resolve("out").toString(), "--json",
        "--emulator-fault", "malformed-json=0.4", "--emulator-seed", "3");
    JsonNode rounds = r.json().path("rounds");
    assertThat(rounds.size()).as(r.err()).isGreaterThan(1);
    assertThat(rounds.get(0).path("mode").asText()).isEqualTo("batch");
    assertThat(rounds.get(1).path("mode").asText()).isEqualTo("online");
    assertThat(rounds.get(1).path("requests").asInt()).isEqualTo(rounds.get(0).path("failed").asInt());
    assertThat(r.json().path("jobs")).as("only round 1 made batch jobs").allSatisfy(j -> assertThat(j.path("round").asInt()).isEqualTo(1));
  }

  @Test
  void submitRefusesOnlineModeAndSaysToUseRun() throws Exception {
    CliHarness.Result r = cli.run("submit", rows(3, "").toString(), "--mode", "online");
    assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("mode is online").contains("use 'vbatch run");
    CliHarness.Result bad = cli.run("run", rows(3, "").toString(), "--mode", "fast");
    assertThat(bad.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.err()).contains("--mode is 'fast'; use batch, online or auto");
  }

  @Test
  void aBadOnlineSettingIsNamedWithItsProperty() throws Exception {
    CliHarness.Result r = cli.run("plan", rows(3, "mode: sometimes\nonline:\n  concurency: 4\n  maxRetries: 99\n").toString());
    assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("property 'mode' is 'sometimes'; use batch, online or auto")
        .contains("'online.concurency'").contains("concurrency")
        .contains("property 'online.maxRetries' is 99; allowed 0 to 20");
  }
}
