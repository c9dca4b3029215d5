package dev.vbatch.util;

import java.time.Duration;
import java.util.Random;

/**
 * Capped exponential backoff with full jitter: the one retry and polling policy of vbatch. The
 * n-th delay is drawn uniformly from [base/2, min(max, initial * multiplier^n)] so concurrent
 * pollers spread out but never wait less than half the nominal delay.
 */
public final class Backoff {
  private final Duration initial;
  private final Duration max;
  private final double multiplier;
  private final Random random;
  private int attempt;

  public Backoff(Duration initial, Duration max, double multiplier, long seed) {
    if (initial.isNegative() || max.compareTo(initial) < 0 || multiplier < 1.0) {
      throw new IllegalArgumentException("backoff needs 0 <= initial <= max and multiplier >= 1");
    }
    this.initial = initial;
    this.max = max;
    this.multiplier = multiplier;
    this.random = new Random(seed);
  }

  /** The next delay; each call grows the nominal delay until it reaches the cap. */
  public Duration next() {
    double nominal = initial.toMillis() * Math.pow(multiplier, attempt);
    if (attempt < 64) {
      attempt++;
    }
    long capped = (long) Math.min(nominal, max.toMillis());
    long low = capped / 2;
    long jittered = low + (capped > low ? (long) (random.nextDouble() * (capped - low + 1)) : 0);
    return Duration.ofMillis(Math.min(jittered, max.toMillis()));
  }

  /** Starts over from the initial delay, e.g. after progress was seen. */
  public void reset() {
    attempt = 0;
  }
}
