package dev.vbatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vbatch.testing.SampleFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retry rounds, the watchdog, reuse of earlier answers, resume and cancel, through the CLI on the emulator. */
class DurableRunTest {
  @TempDir Path tmp;
  CliHarness cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliHarness(tmp.resolve("home"));
    Files.writeString(tmp.resolve("schema.json"), SampleFiles.TOTAL_VENDOR_SCHEMA);
    Files.createDirectories(tmp.resolve("docs"));
  }

  private Path spec(String extra) throws Exception {
    Path spec = tmp.resolve("job.yaml");
    Files.writeString(spec, "name: durable\nmodel: gemini-2.5-flash\ninput:\n  files: docs\n"
        + "prompt:\n  user: Extract the fields.\nschema: schema.json\n" + extra);
    return spec;
  }

  private void docs(int n) throws Exception {
    for (int i = 0; i < n; i++) {
      Files.writeString(tmp.resolve(String.format("docs/doc-%05d.txt", i)), "Vendor: Vendor " + i + "\nTotal: " + i + "\n");
    }
  }

  private static Map<String, JsonNode> bySource(Path results) throws Exception {
    return CliHarness.lines(results).stream().collect(Collectors.toMap(n -> n.path("source").asText(), Function.identity()));
  }

  @Test
  void retryRoundsResendRetryableFailuresAndKeepTheSuccess() throws Exception {
    docs(40);
    Path spec = spec("");
    CliHarness.Result once = cli.run("run", spec.toString(), "--out", tmp.resolve("once").toString(), "--json",
        "--emulator-fault", "row-error=0.5", "--emulator-seed", "5", "--retry-rounds", "0", "--new");
    CliHarness.Result retried = new CliHarness(tmp.resolve("home2")).run("run", spec.toString(), "--out", tmp.resolve("retried").toString(),
        "--json", "--emulator-fault", "row-error=0.5", "--emulator-seed", "5");
    long firstRoundFailures = once.json().path("failed").asLong();
    assertThat(firstRoundFailures).isBetween(10L, 30L);
    JsonNode s = retried.json();
    assertThat(s.path("rounds")).hasSize(3);
    assertThat(s.path("rounds").get(0).path("failed").asLong()).isEqualTo(firstRoundFailures);
    assertThat(s.path("rounds").get(1).path("requests").asLong()).isEqualTo(firstRoundFailures);
    assertThat(s.path("rounds").get(2).path("requests").asLong()).isEqualTo(s.path("rounds").get(1).path("failed").asLong());
    // With a fresh draw per job, about half fail again each round: 40 * 0.5^3 = 5 expected.
    assertThat(s.path("failed").asLong()).isLessThan(firstRoundFailures / 2);
    assertThat(s.path("requests").path("resent").asLong()).isEqualTo(firstRoundFailures + s.path("rounds").get(1).path("failed").asLong());
    Map<String, JsonNode> lines = bySource(tmp.resolve("retried/results.jsonl"));
    assertThat(lines).hasSize(40);
    assertThat(lines.values()).allSatisfy(l -> {
      if (l.path("status").asText().equals("failed")) {
        assertThat(l.path("attempts").asInt()).isEqualTo(3);
        assertThat(l.path("error").path("reason").asText()).isEqualTo("request-error");
      } else {
        assertThat(l.path("attempts").asInt()).isBetween(1, 3);
        assertThat(l.path("data").path("vendor").asText()).startsWith("Vendor ");
      }
    });
    assertThat(lines.values()).filteredOn(l -> l.path("attempts").asInt() > 1 && l.path("status").asText().equals("succeeded")).isNotEmpty();
    assertThat(s.path("retried").asLong()).isEqualTo(firstRoundFailures);
  }

  @Test
  void itemsBlockedBySafetyFiltersAreNotRetried() throws Exception {
    docs(20);
    CliHarness.Result r = cli.run("run", spec("").toString(), "--out", tmp.resolve("out").toString(), "--json",
        "--emulator-fault", "blocked=0.5", "--emulator-seed", "3");
    assertThat(r.exit()).isEqualTo(5);
    assertThat(r.json().path("rounds")).hasSize(1);
    assertThat(r.json().path("byReason").path("blocked").asLong()).isPositive();
    assertThat(CliHarness.lines(tmp.resolve("out/results.jsonl"))).allSatisfy(l -> assertThat(l.path("attempts").asInt()).isEqualTo(1));
  }

  @Test
  void aSecondRunReusesEveryAnswerAndSendsNothing() throws Exception {
    docs(10);
    Path spec = spec("");
    CliHarness.Result first = cli.run("run", spec.toString(), "--out", tmp.resolve("a").toString(), "--json");
    assertThat(first.exit()).as(first.err()).isZero();
    CliHarness.Result second = cli.run("run", spec.toString(), "--out", tmp.resolve("b").toString(), "--json");
    assertThat(second.exit()).as(second.err()).isZero();
    JsonNode s = second.json();
    assertThat(s.path("requests").path("sent").asInt()).isZero();
    assertThat(s.path("reused").asInt()).isEqualTo(10);
    assertThat(s.path("jobs")).isEmpty();
    assertThat(s.path("tokens").path("total").asLong()).isZero();
    assertThat(second.err()).contains("10 answered by earlier runs (not sent again; --refresh sends them)");
    Map<String, JsonNode> a = bySource(tmp.resolve("a/results.jsonl"));
    Map<String, JsonNode> b = bySource(tmp.resolve("b/results.jsonl"));
    assertThat(b.keySet()).isEqualTo(a.keySet());
    a.forEach((source, line) -> {
      assertThat(b.get(source).path("data")).isEqualTo(line.path("data"));
      assertThat(b.get(source).path("reused").asBoolean()).isTrue();
    });

    CliHarness.Result refreshed = cli.run("run", spec.toString(), "--out", tmp.resolve("c").toString(), "--json", "--refresh");
    assertThat(refreshed.json().path("requests").path("sent").asInt()).isEqualTo(10);
    assertThat(refreshed.json().path("reused").asInt()).isZero();
  }

  @Test
  void aNightlyRerunSendsOnlyTheChangedFiles() throws Exception {
    docs(300);
    Path spec = spec("");
    assertThat(cli.run("run", spec.toString(), "--out", tmp.resolve("a").toString(), "--json").exit()).isZero();
    for (int i = 0; i < 300; i += 100) {
      Files.writeString(tmp.resolve(String.format("docs/doc-%05d.txt", i)), "Vendor: Changed " + i + "\nTotal: 1\n");
    }
    CliHarness.Result second = cli.run("run", spec.toString(), "--out", tmp.resolve("b").toString(), "--json");
    assertThat(second.json().path("requests").path("sent").asInt()).isEqualTo(3);
    assertThat(second.json().path("reused").asInt()).isEqualTo(297);
    assertThat(bySource(tmp.resolve("b/results.jsonl")).get("doc-00100.txt").path("data").path("vendor").asText()).isEqualTo("Changed 100");
  }

  @Test
  void theWatchdogCancelsAStuckJobAndItsUnansweredItemsTimeOut() throws Exception {
    docs(8);
    CliHarness.Result r = cli.run("run", spec("limits:\n  maxWait: 10m\n").toString(), "--out", tmp.resolve("out").toString(),
        "--json", "--emulator-fault", "stuck=1", "--retry-rounds", "0");
    assertThat(r.exit()).as(r.err()).isEqualTo(4);
    JsonNode s = r.json();
    assertThat(s.path("succeeded").asInt()).isEqualTo(4);
    assertThat(s.path("byReason").path("timed-out").asInt()).isEqualTo(4);
    assertThat(s.path("jobs").get(0).path("state").asText()).isEqualTo("CANCELLED");
    assertThat(s.path("jobs").get(0).path("timedOut").asBoolean()).isTrue();
    assertThat(r.err()).contains("still RUNNING after 10m").contains("cancelling it");
    assertThat(CliHarness.lines(tmp.resolve("out/failures.jsonl"))).allSatisfy(l ->
        assertThat(l.path("error").path("message").asText()).contains("limits.maxWait (10m0s)"));
  }

  @Test
  void runResumesTheUnfinishedRunOfItsSpecInsteadOfSubmittingAgain() throws Exception {
    docs(5);
    Path spec = spec("");
    String runId = cli.run("submit", spec.toString(), "--out", tmp.resolve("out").toString()).out().trim();
    CliHarness.Result r = cli.run("run", spec.toString(), "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).contains("resuming run " + runId);
    assertThat(r.json().path("runId").asText()).isEqualTo(runId);
    assertThat(r.json().path("jobs")).hasSize(1);
    // Results go where the run was started to send them.
    assertThat(tmp.resolve("out/results.jsonl")).exists();
    try (Stream<Path> jobs = Files.list(tmp.resolve("home/emulator/jobs"))) {
      assertThat(jobs.count()).isEqualTo(1);
    }
    CliHarness.Result runs = cli.run("runs", "--json");
    assertThat(runs.json()).hasSize(1);
    assertThat(runs.json().get(0).path("stage").asText()).isEqualTo("done");
  }

  @Test
  void aChangedSpecIsNotResumedUnderTheOldRun() throws Exception {
    docs(2);
    Path spec = spec("");
    String runId = cli.run("submit", spec.toString()).out().trim();
    spec("generation:\n  temperature: 0.5\n");
    CliHarness.Result r = cli.run("run", spec.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("run " + runId + " of " + spec + " is unfinished")
        .contains("changed since it started").contains("--new").contains("vbatch cancel " + runId);
    assertThat(cli.run("run", spec.toString(), "--new", "--out", tmp.resolve("o").toString()).exit()).isZero();
  }

  @Test
  void cancelStopsTheJobsAndFetchWritesWhatWasAnswered() throws Exception {
    docs(6);
    String runId = cli.run("submit", spec("").toString(), "--out", tmp.resolve("out").toString()).out().trim();
    CliHarness.Result cancel = cli.run("cancel", runId);
    assertThat(cancel.exit()).as(cancel.err()).isZero();
    assertThat(cancel.out()).contains("cancel requested: ").contains("(was QUEUED)");
    CliHarness.Result fetched = cli.run("fetch", runId, "--json");
    assertThat(fetched.exit()).isEqualTo(4);
    assertThat(fetched.json().path("byReason").path("job-cancelled").asInt()).isEqualTo(6);
    assertThat(fetched.json().path("rounds")).hasSize(1);
    CliHarness.Result deleted = cli.run("delete", runId);
    assertThat(deleted.exit()).as(deleted.err()).isZero();
    assertThat(deleted.out()).contains("1 job(s) deleted");
    assertThat(cli.run("status", runId).out()).contains("DELETED");
  }

  @Test
  void aDamagedRunStateIsNamedWithItsLineAndLeftAlone() throws Exception {
    docs(2);
    Path spec = spec("");
    String runId = cli.run("submit", spec.toString()).out().trim();
    Path state = tmp.resolve("home/runs/" + runId + "/state.json");
    Files.writeString(state, "{\"runId\": \"" + runId + "\",\n \"shards\": [");
    CliHarness.Result runs = cli.run("runs");
    assertThat(runs.exit()).isZero();
    assertThat(runs.err()).contains(state + " is not a readable run state (Unexpected end-of-input")
        .contains("at line 2)").contains("it is left out");
    CliHarness.Result status = cli.run("status", runId);
    assertThat(status.exit()).isEqualTo(1);
    assertThat(status.err()).startsWith("error: " + state + " is not a readable run state");
    // The damaged run is not resumed; a new run goes ahead.
    CliHarness.Result run = cli.run("run", spec.toString(), "--out", tmp.resolve("out").toString());
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.err()).contains(state.toString()).doesNotContain("resuming run");
  }
}
