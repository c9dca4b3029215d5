package dev.vbatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vbatch.bench.CrashSoak;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The short version of scripts/crash-soak: a few kills in each pipeline, every check applied. */
class CrashSoakTest {
  @TempDir Path tmp;

  @Test
  void killsAcrossBatchOnlineAndChainsLoseNothingAndPayNothingTwice() throws Exception {
    int kills = Integer.parseInt(System.getenv().getOrDefault("VBATCH_SOAK_KILLS", "6"));
    assertThat(CrashSoak.soak(kills, tmp, Path.of("").toAbsolutePath())).as("see the figures printed above").isTrue();
  }
}
