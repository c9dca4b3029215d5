package dev.vbatch.online;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private final Instant t0 = Instant.parse("2026-11-21T00:00:00Z");

  @Test
  void requestsPerMinuteAllowOneSecondsWorthAtOnceThenOneEveryInterval() {
    RateLimiter limiter = new RateLimiter(600, 0, t0);
    for (int i = 0; i < 10; i++) {
      assertThat(limiter.admit(1, t0)).as("call " + i).isZero();
    }
    Duration wait = limiter.admit(1, t0);
    assertThat(wait).isBetween(Duration.ofMillis(99), Duration.ofMillis(101));
    assertThat(limiter.admit(1, t0.plusMillis(50))).isPositive();
    assertThat(limiter.admit(1, t0.plusMillis(100))).isZero();
    assertThat(limiter.admit(1, t0.plusMillis(100))).isPositive();
  }

  @Test
  void overAMinuteTheRateIsTheLimit() {
    RateLimiter limiter = new RateLimiter(120, 0, t0);
    Instant now = t0;
    int admitted = 0;
    while (now.isBefore(t0.plusSeconds(60))) {
      Duration wait = limiter.admit(1, now);
      if (wait.isZero()) {
        admitted++;
      } else {
        now = now.plus(wait);
      }
    }
    // 120 a minute, plus the first second's burst of 2.
    assertThat(admitted).isBetween(120, 122);
  }

  @Test
  void tokensAreEstimatedFirstAndSettledFromTheResponse() {
    RateLimiter limiter = new RateLimiter(0, 6000, t0); // 100 tokens a second
    assertThat(limiter.admit(80, t0)).isZero();
    assertThat(limiter.admit(80, t0)).as("20 left of 100").isBetween(Duration.ofMillis(590), Duration.ofMillis(610));
    limiter.correct(80, 20); // the call used 20, not 80: 60 come back
    assertThat(limiter.admit(80, t0)).isZero();
    limiter.correct(80, 380); // it used 300 more than estimated: the next calls wait for them
    assertThat(limiter.admit(10, t0.plusSeconds(1))).isGreaterThan(Duration.ofSeconds(2));
  }

  @Test
  void aCallLargerThanASecondsTokensWaitsForAFullBucketButNotForever() {
    RateLimiter limiter = new RateLimiter(0, 600, t0); // 10 tokens a second
    assertThat(limiter.admit(5, t0)).isZero();
    Duration wait = limiter.admit(1000, t0);
    assertThat(wait).isBetween(Duration.ofMillis(490), Duration.ofMillis(510));
    assertThat(limiter.admit(1000, t0.plus(wait))).isZero();
  }

  @Test
  void noLimitsNeverWait() {
    RateLimiter limiter = new RateLimiter(0, 0, t0);
    for (int i = 0; i < 10_000; i++) {
      assertThat(limiter.admit(1_000_000, t0)).isZero();
    }
  }
}
