package dev.vbatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vbatch.emulator.EmulatorConfig;
import dev.vbatch.emulator.EmulatorServer;
import dev.vbatch.results.OutcomeFile;
import dev.vbatch.testing.SampleFiles;
import dev.vbatch.util.CrashPoints;
import dev.vbatch.util.TimeSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills an online run (a separate process) and runs it again: no request whose result was in the
 * checkpoint when the process died is sent a second time, and every item ends succeeded. The
 * emulator runs in this JVM, so it counts the calls each request received across both processes.
 */
class OnlineCrashTest {
  private static final int ROWS = 200;

  @TempDir Path tmp;
  EmulatorServer emulator;
  Path spec;

  @BeforeEach
  void setUp() throws Exception {
    emulator = EmulatorServer.start(0, tmp.resolve("emulator"),
        EmulatorConfig.defaults().withLatency(Duration.ofMillis(20), Duration.ofMillis(10)), TimeSource.SYSTEM);
    StringBuilder rows = new StringBuilder();
    for (int i = 0; i < ROWS; i++) {
      rows.append("{\"q\":\"Vendor: V").append(i).append("\\nTotal: ").append(i).append("\"}\n");
    }
    Files.writeString(tmp.resolve("rows.jsonl"), rows);
    Files.writeString(tmp.resolve("schema.json"), SampleFiles.TOTAL_VENDOR_SCHEMA);
    spec = tmp.resolve("job.yaml");
    Files.writeString(spec, "name: online-crash\nmodel: gemini-2.5-flash\nmode: online\n"
        + "input:\n  table:\n    path: rows.jsonl\n    textColumn: q\n"
        + "prompt:\n  user: Extract the fields.\nschema: schema.json\n"
        + "online:\n  concurrency: 4\n  checkpointEvery: 10\n  requestsPerMinute: 3000\n");
  }

  @AfterEach
  void tearDown() {
    emulator.close();
  }

  @Test
  void aKillAfterCheckpointsThenARerunSendsOnlyWhatWasNotRecorded() throws Exception {
    Path home = tmp.resolve("home");
    Process crashed = start(home, "online.checkpoint:5", tmp.resolve("crash"));
    assertThat(crashed.waitFor()).as(Files.readString(tmp.resolve("crash.err"))).isEqualTo(CrashPoints.HALT_STATUS);
    Set<String> recorded = recorded(home);
    assertThat(recorded).as("five checkpoints of ten").hasSize(50);
    finishAndCheck(home, callsOf(recorded));
  }

  @Test
  void killsAtRandomMomentsNeverResendARecordedResult() throws Exception {
    Path home = tmp.resolve("home");
    Random random = new Random(11);
    Set<String> recordedBeforeAKill = new HashSet<>();
    Map<String, Integer> callsWhenRecorded = new java.util.HashMap<>();
    int kills = 0;
    for (int i = 0; i < 3; i++) {
      Process p = start(home, null, tmp.resolve("kill-" + i));
      // Wait (bounded) until calls are being answered, then kill at a random moment.
      for (int w = 0; w < 400 && recorded(home).size() <= recordedBeforeAKill.size(); w++) {
        p.waitFor(10, TimeUnit.MILLISECONDS);
      }
      if (p.waitFor(random.nextInt(300), TimeUnit.MILLISECONDS)) {
        break;
      }
      p.destroyForcibly().waitFor();
      kills++;
      recordedBeforeAKill.addAll(recorded(home));
      callsOf(recordedBeforeAKill).forEach(callsWhenRecorded::putIfAbsent);
    }
    assertThat(kills).isPositive();
    assertThat(recordedBeforeAKill).isNotEmpty();
    finishAndCheck(home, callsWhenRecorded);
  }

  /** The calls the emulator has received so far for each of {@code keys}. */
  private Map<String, Integer> callsOf(Set<String> keys) {
    Map<String, Integer> all = emulator.onlineCallsByKey();
    Map<String, Integer> out = new java.util.HashMap<>();
    keys.forEach(k -> out.put(k, all.get(k)));
    return out;
  }

  /**
   * Runs the job to its end; each request recorded before a kill must have had no call since
   * ({@code callsWhenRecorded}: its calls then; a request answered but not yet checkpointed when
   * the process died is sent again, which is allowed).
   */
  private void finishAndCheck(Path home, Map<String, Integer> callsWhenRecorded) throws Exception {
    Process resumed = start(home, null, tmp.resolve("resume"));
    assertThat(resumed.waitFor()).as(Files.readString(tmp.resolve("resume.err"))).isZero();
    String err = Files.readString(tmp.resolve("resume.err"));
    assertThat(err).contains("answered before the restart are not sent again");
    assertThat(CliHarness.lines(tmp.resolve("out/results.jsonl"))).hasSize(ROWS)
        .allSatisfy(l -> assertThat(l.path("status").asText()).isEqualTo("succeeded"));
    Map<String, Integer> calls = emulator.onlineCallsByKey();
    assertThat(calls).hasSize(ROWS);
    callsWhenRecorded.forEach((key, then) ->
        assertThat(calls.get(key)).as("calls of " + key + ", recorded before a kill").isEqualTo(then));
    assertThat(callsWhenRecorded.values()).as("a request is recorded after its first successful call").contains(1);
  }

  /** The keys in the run's checkpoint now. */
  private static Set<String> recorded(Path home) throws Exception {
    Path runs = home.resolve("runs");
    if (!Files.isDirectory(runs)) {
      return Set.of();
    }
    Set<String> keys = new HashSet<>();
    try (Stream<Path> dirs = Files.list(runs)) {
      for (Path dir : dirs.toList()) {
        keys.addAll(OutcomeFile.readAppended(dir.resolve("round-1.online.jsonl")).keySet());
      }
    }
    return keys;
  }

  private Process start(Path home, String crashAt, Path log) throws Exception {
    return CliProcess.start(List.of("run", spec.toString(), "--home", home.toString(), "--out", tmp.resolve("out").toString(),
        "--json", "--emulator-endpoint", emulator.endpoint()), crashAt, log);
  }
}
