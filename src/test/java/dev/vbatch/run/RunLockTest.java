package dev.vbatch.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vbatch.testing.FakeTime;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLockTest {
  @TempDir Path tmp;

  @Test
  void aLockIsTakenOnceAndNamesItsHolder() throws Exception {
    Path file = RunLock.ofRun(tmp, "r1");
    RunLock.acquire(file, "run r1", Duration.ZERO, new FakeTime());
    RunLock.acquire(file, "run r1", Duration.ZERO, new FakeTime());
    assertThat(Files.readString(file)).startsWith("host ").contains(", pid " + ProcessHandle.current().pid() + ", since ");
  }

  @Test
  void aLockHeldElsewhereIsWaitedForThenRefusedNamingWhatAndHowToGoOn() throws Exception {
    Path file = RunLock.ofRun(tmp, "r2");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "host other, pid 42, since 2026-11-21T03:00:00Z\n");
    FakeTime time = new FakeTime();
    try (FileChannel other = FileChannel.open(file, StandardOpenOption.WRITE); var held = other.lock()) {
      assertThatThrownBy(() -> RunLock.acquire(file, "run r2", Duration.ofSeconds(5), time))
          .isInstanceOf(RunLock.Held.class)
          .hasMessage("run r2 is owned by another vbatch process (host other, pid 42, since 2026-11-21T03:00:00Z), so"
              + " this one does not touch it: let that one finish (follow it with 'vbatch runs' and 'vbatch status RUN'),"
              + " or pass --wait-lock DURATION to wait for it longer than 5s");
    }
    assertThat(time.now()).isAfterOrEqualTo(new FakeTime().now().plusSeconds(5));
  }

  @Test
  void everyPathToOneSpecHasOneLock() throws Exception {
    Path spec = tmp.resolve("jobs/a/job.yaml");
    Files.createDirectories(spec.getParent());
    Files.writeString(spec, "name: a\n");
    assertThat(RunLock.ofSpec(tmp, spec)).isEqualTo(RunLock.ofSpec(tmp, tmp.resolve("jobs/../jobs/a/./job.yaml")));
  }
}
