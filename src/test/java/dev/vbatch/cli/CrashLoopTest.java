package dev.vbatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vbatch.run.RunState;
import dev.vbatch.util.CrashPoints;
import dev.vbatch.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kills the CLI, run as a separate process, at every named crash point and at random moments, then
 * runs the same spec again; the resumed run must end with the same results as a run never
 * interrupted, with no shard submitted twice and no item lost or duplicated. The sample job runs
 * with row faults so that retry rounds are crossed too.
 */
class CrashLoopTest {
  private static final String[] FAULTS = {"--emulator-fault", "row-error=0.3", "--emulator-fault", "malformed-json=0.1",
      "--emulator-seed", "7"};

  @TempDir static Path shared;
  static Map<String, String> reference;
  static JsonNode referenceSummary;
  static long referenceJobs;
  static int referenceExit;
  /** How long the uninterrupted run took; random kills land within it. */
  static long referenceMillis;

  @TempDir Path tmp;

  static Path spec;

  /**
   * The sample job, staging to one directory for every process: request keys include the staged
   * files' URIs, and the emulator's faults are drawn by key, so every iteration meets the same faults.
   */
  @BeforeAll
  static void uninterrupted() throws Exception {
    Path jobDir = Files.createDirectories(shared.resolve("job"));
    Path sample = RunCommandTest.SPEC.toAbsolutePath().getParent();
    for (String f : List.of("prompt.yaml", "schema.json")) {
      Files.copy(sample.resolve(f), jobDir.resolve(f));
    }
    spec = jobDir.resolve("job.yaml");
    Files.writeString(spec, Files.readString(sample.resolve("job.yaml"))
        .replace("../../samples/invoices", sample.resolve("../../samples/invoices").normalize().toString())
        + "\nstaging: " + shared.resolve("staging") + "\n");
    Path home = shared.resolve("home");
    long t0 = System.nanoTime();
    Process p = start(home, shared.resolve("out"), null, shared.resolve("log"));
    referenceExit = p.waitFor();
    referenceMillis = (System.nanoTime() - t0) / 1_000_000;
    assertThat(referenceExit).as(Files.readString(shared.resolve("log.err"))).isIn(0, 5);
    reference = normalized(shared.resolve("out/results.jsonl"));
    referenceSummary = Json.read(Files.readString(shared.resolve("out/summary.json")));
    referenceJobs = emulatorJobs(home);
    // The faults must make the run cross retry rounds, or the retry crash points are never reached.
    assertThat(referenceSummary.path("rounds").size()).isGreaterThan(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "build.upload", "build.upload:3", "build.staged", "build.done",
    "submit.before-create", "submit.after-create", "submit.after-create:2",
    "wait.poll", "wait.poll:2", "collect.file", "collect.written", "retry.built", "collect.written:2",
    "write.results",
  })
  void aKillAtANamedPointThenARerunGivesTheSameResults(String point) throws Exception {
    Path home = tmp.resolve("home");
    Process crashed = start(home, tmp.resolve("out"), point, tmp.resolve("crash"));
    assertThat(crashed.waitFor()).as(Files.readString(tmp.resolve("crash.err"))).isEqualTo(CrashPoints.HALT_STATUS);
    assertThat(Files.readString(tmp.resolve("crash.err"))).contains("crash point " + point.replaceAll(":\\d+$", "") + " reached");
    resumeAndCompare(home);
  }

  @Test
  void killsAtRandomMomentsThenARerunGiveTheSameResults() throws Exception {
    Random random = new Random(20261121);
    int kills = 0;
    int iteration = 0;
    for (; iteration < 12 && kills < 8; iteration++) {
      Path home = tmp.resolve("home-" + iteration);
      int times = 1 + random.nextInt(3);
      for (int k = 0; k < times; k++) {
        if (isDone(home)) {
          break; // killed after the run had finished: a rerun would start a new run
        }
        Process p = start(home, tmp.resolve("out-" + iteration), null, tmp.resolve("kill-" + iteration + "-" + k));
        if (p.waitFor(200 + (long) (random.nextDouble() * referenceMillis * 0.7), TimeUnit.MILLISECONDS)) {
          break;
        }
        p.destroyForcibly().waitFor();
        kills++;
      }
      resumeAndCompare(home, tmp.resolve("out-" + iteration));
    }
    System.out.println("crash loop: " + kills + " random kills over " + iteration + " iterations (runs of about " + referenceMillis + " ms)");
    assertThat(kills).as("kills within " + referenceMillis + " ms runs, " + iteration + " iterations").isGreaterThanOrEqualTo(8);
  }

  @Test
  void aTerminationWhileWaitingDetachesAndSaysHowToResumeOrCancel() throws Exception {
    Path home = tmp.resolve("home");
    Path log = tmp.resolve("term");
    Process p = start(home, tmp.resolve("out"), null, log, "--emulator-speed", "0.05");
    Path err = Path.of(log + ".err");
    // Wait (bounded) until the run reports it is waiting on its job, then terminate it as Ctrl+C would.
    for (int i = 0; i < 600 && !(Files.exists(err) && Files.readString(err).contains("\"stage\":\"wait\"")); i++) {
      p.waitFor(50, TimeUnit.MILLISECONDS);
    }
    p.destroy();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String runId = runs(home).get(0).runId;
    assertThat(Files.readString(err)).contains("interrupted at stage 'wait'; run " + runId + " is detached")
        .contains("vbatch resume " + runId).contains("vbatch cancel " + runId);
    assertThat(runs(home).get(0).shards).allSatisfy(s -> assertThat(s.jobName).isNotNull());
    resumeAndCompare(home);
  }

  private void resumeAndCompare(Path home) throws Exception {
    resumeAndCompare(home, tmp.resolve("out"));
  }

  private void resumeAndCompare(Path home, Path out) throws Exception {
    List<RunState> runs = runs(home);
    boolean finished = runs.size() == 1 && "done".equals(runs.get(0).stage);
    if (!finished) {
      Path log = out.resolveSibling(out.getFileName() + "-resume");
      Process resumed = start(home, out, null, log);
      int exit = resumed.waitFor();
      String err = Files.readString(log.resolveSibling(log.getFileName() + ".err"));
      assertThat(exit).as(err).isEqualTo(referenceExit);
      if (!runs.isEmpty()) {
        assertThat(err).as(runs.stream().map(r -> r.runId + ":" + r.stage).toList().toString())
            .contains("resuming run " + runs.get(0).runId);
      }
    }
    assertThat(runs(home)).as("one run, finished").hasSize(1).allSatisfy(r -> assertThat(r.stage).isEqualTo("done"));
    assertThat(normalized(out.resolve("results.jsonl"))).isEqualTo(reference);
    JsonNode summary = Json.read(Files.readString(out.resolve("summary.json")));
    for (String field : List.of("items", "succeeded", "failed", "skipped", "byReason", "rounds")) {
      assertThat(summary.path(field)).as(field).isEqualTo(referenceSummary.path(field));
    }
    assertThat(emulatorJobs(home)).as("batch jobs created").isEqualTo(referenceJobs);
  }

  /** Staged files are content-addressed and shared; removing them makes every iteration upload again. */
  @org.junit.jupiter.api.BeforeEach
  void unstageFiles() throws Exception {
    Path files = shared.resolve("staging/files");
    if (Files.isDirectory(files)) {
      try (Stream<Path> all = Files.list(files)) {
        for (Path f : all.toList()) {
          Files.delete(f);
        }
      }
    }
  }

  private static Process start(Path home, Path out, String crashAt, Path log, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("run", spec.toString(), "--home", home.toString(),
        "--out", out.toString(), "--json"));
    args.addAll(List.of(FAULTS));
    args.addAll(extra.length > 0 ? List.of(extra) : List.of("--emulator-speed", "20"));
    return CliProcess.start(args, crashAt, log);
  }

  /** Each item's source, status, reason, data and attempts; messages name random job ids, so they are left out. */
  static Map<String, String> normalized(Path results) throws Exception {
    Map<String, String> out = new TreeMap<>();
    List<JsonNode> lines = CliHarness.lines(results);
    for (JsonNode l : lines) {
      ObjectNode n = Json.object();
      n.put("status", l.path("status").asText());
      n.put("reason", l.path("error").path("reason").asText(null));
      n.set("data", l.path("data"));
      n.put("attempts", l.path("attempts").asInt());
      assertThat(out.put(l.path("source").asText(), n.toString())).as("one line per item").isNull();
    }
    return out;
  }

  private static boolean isDone(Path home) throws Exception {
    List<RunState> runs = runs(home);
    return !runs.isEmpty() && "done".equals(runs.get(0).stage);
  }

  private static List<RunState> runs(Path home) throws Exception {
    return Runs.all(home.resolve("runs"));
  }

  private static long emulatorJobs(Path home) throws Exception {
    return dev.vbatch.bench.CrashSoak.jobs(home);
  }

}
