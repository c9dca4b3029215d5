package dev.vbatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One process owns a run: vbatch processes started together on one spec (a cron job overlapping a
 * manual run, a scheduler retrying) make one batch job per shard, and the ones that find the spec's
 * runs owned say so and exit 6 without touching anything.
 */
class OneOwnerTest {
  static final int PROCESSES = 8;
  /** Rounds of simultaneous starts; VBATCH_OWNER_ROUNDS=20 for the long version. */
  static final int ROUNDS = Integer.parseInt(System.getenv().getOrDefault("VBATCH_OWNER_ROUNDS", "2"));

  @TempDir Path tmp;

  @Test
  void processesStartedTogetherOnOneSpecMakeOneJobPerShard() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      Path home = tmp.resolve("home-" + round);
      List<Process> processes = new ArrayList<>();
      for (int i = 0; i < PROCESSES; i++) {
        processes.add(CliProcess.start(List.of("run", RunCommandTest.SPEC.toString(), "--home", home.toString(),
            "--out", tmp.resolve("out-" + round + "-" + i).toString(), "--emulator-speed", "5"), null,
            tmp.resolve("p-" + round + "-" + i)));
      }
      int ran = 0;
      for (int i = 0; i < PROCESSES; i++) {
        Process p = processes.get(i);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String err = Files.readString(Path.of(tmp.resolve("p-" + round + "-" + i) + ".err"));
        assertThat(p.exitValue()).as(err).isIn(0, ExitCodes.LOCKED);
        if (p.exitValue() == ExitCodes.LOCKED) {
          assertThat(err).contains("error: the runs of " + RunCommandTest.SPEC + " is owned by another vbatch process (host ")
              .contains(", pid ").contains("--wait-lock");
          assertThat(tmp.resolve("out-" + round + "-" + i)).doesNotExist();
        } else {
          ran++;
        }
      }
      assertThat(ran).isPositive();
      // A process that started after the first had finished reuses its answers and sends nothing.
      assertThat(jobs(home)).as("batch jobs created in round " + round).isEqualTo(1);
    }
  }

  static long jobs(Path home) throws Exception {
    try (Stream<Path> dirs = Files.list(home.resolve("emulator/jobs"))) {
      return dirs.count();
    }
  }
}
