package dev.vbatch.emulator;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Seeded, deterministic fault decisions: whether a fault hits a given row or job depends only on
 * the seed, the fault and the row or job, so a run can be reproduced; per-call faults draw from a
 * seeded sequence.
 */
final class Faults {
  private final EmulatorConfig config;
  private final Random calls;

  Faults(EmulatorConfig config) {
    this.config = config;
    this.calls = new Random(config.seed() * 31 + 7);
  }

  /** Whether {@code fault} hits this subject (a job id, or a job id and row). */
  boolean hits(String fault, String subject) {
    double rate = config.rate(fault);
    if (rate <= 0) {
      return false;
    }
    return unit(config.seed() + "/" + fault + "/" + subject) < rate;
  }

  /** Whether the next API call fails transiently. */
  synchronized boolean nextCallFails() {
    double rate = config.rate("transient");
    return rate > 0 && calls.nextDouble() < rate;
  }

  synchronized boolean coin() {
    return calls.nextBoolean();
  }

  static double unit(String s) {
    long h = 1125899906842597L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h = 31 * h + b;
    }
    // MurmurHash3's 64-bit finalizer: subjects that differ in one character land far apart.
    h ^= (h >>> 33);
    h *= 0xff51afd7ed558ccdL;
    h ^= (h >>> 33);
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= (h >>> 33);
    return (h >>> 11) * 0x1.0p-53;
  }
}
