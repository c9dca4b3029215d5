package dev.vbatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vbatch.util.Json;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a scheduler sees: exit codes that --fail-on thresholds decide, and JSON log lines under Cloud Run. */
class SchedulerBehaviourTest {
  static final String SPEC = "jobs/sample-invoices/job.yaml";

  @TempDir Path tmp;

  private CliHarness.Result runAllFailing(String home, String... extra) {
    // --out in the test's folder: the spec's default output is in the checkout, where the README's sample writes.
    String[] base = {"run", SPEC, "--emulator-fault", "row-error=1", "--retry-rounds", "0", "--out", tmp.resolve(home + "-out").toString()};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    CliHarness cli = new CliHarness(tmp.resolve(home));
    return cli.run(args);
  }

  @Test
  void failOnDecidesTheExitCodeByThreshold() {
    CliHarness.Result plain = runAllFailing("a");
    assertThat(plain.exit()).as(plain.err()).isEqualTo(ExitCodes.ITEMS_FAILED);

    CliHarness.Result within = runAllFailing("b", "--fail-on", "failed>7");
    assertThat(within.exit()).as(within.err()).isEqualTo(ExitCodes.OK);
    assertThat(within.err()).contains("7 item(s) failed or were skipped, within --fail-on; exit code 0");

    CliHarness.Result crossed = runAllFailing("c", "--fail-on", "skipped>10%,failed>50%");
    assertThat(crossed.exit()).isEqualTo(ExitCodes.ITEMS_FAILED);
    assertThat(crossed.err()).contains("error: the run fails --fail-on: failed 100.00% > 50%");
  }

  @Test
  void aBadRuleIsAUsageErrorBeforeAnythingRuns() {
    CliHarness.Result r = runAllFailing("d", "--fail-on", "errors>5");
    assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("--fail-on 'errors>5' is not a rule; write failed>2%, skipped>10 or failed+skipped>5%");
    assertThat(tmp.resolve("d/runs")).doesNotExist();
  }

  @Test
  void underCloudRunEveryStderrLineIsJsonWithASeverity() {
    CliHarness cli = new CliHarness(tmp.resolve("e"));
    cli.env = Map.of("CLOUD_RUN_JOB", "nightly-invoices");
    CliHarness.Result r = cli.run("run", SPEC, "--emulator-fault", "row-error=1", "--retry-rounds", "0", "--fail-on", "failed>50%",
        "--out", tmp.resolve("e-out").toString());
    assertThat(r.exit()).isEqualTo(ExitCodes.ITEMS_FAILED);
    assertThat(r.err()).doesNotContain("\r");
    assertThat(r.err().lines().toList()).isNotEmpty().allSatisfy(line -> {
      JsonNode n = Json.read(line);
      assertThat(n.path("severity").asText()).isIn("INFO", "WARNING", "ERROR", "DEBUG");
      assertThat(n.has("message")).as(line).isTrue();
    });
    assertThat(r.err()).contains("{\"severity\":\"ERROR\",\"message\":\"the run fails --fail-on: failed 100.00% > 50%\"}");
    // The human result still goes to stdout, apart from the logs.
    assertThat(r.out()).contains("items 7 = succeeded 0 + failed 7 + skipped 0");
  }

  @Test
  void aFailedCommandsErrorIsAJsonLineToo() {
    CliHarness cli = new CliHarness(tmp.resolve("f"));
    CliHarness.Result r = cli.run("run", "jobs/no-such-job/job.yaml", "--console", "json");
    assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err().lines().toList()).isNotEmpty().allSatisfy(line ->
        assertThat(Json.read(line).path("severity").asText()).isEqualTo("ERROR"));
    assertThat(r.err()).contains("no-such-job");
  }

  @Test
  void everyCommandsHelpFormatsWithoutWarnings() {
    java.io.PrintStream saved = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true));
    try {
      for (String command : new String[] {"run", "submit", "fetch", "resume", "status", "wait", "plan", "runs", "cancel", "delete", "emulator"}) {
        CliHarness.Result r = new CliHarness(tmp.resolve("help")).run(command, "--help");
        assertThat(r.exit()).as(command).isZero();
      }
    } finally {
      System.setErr(saved);
    }
    // picocli reads descriptions as format strings: a lone % makes it warn and print the raw text.
    assertThat(captured.toString()).doesNotContain("picocli WARN");
  }
}
