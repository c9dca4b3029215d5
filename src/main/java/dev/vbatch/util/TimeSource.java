package dev.vbatch.util;

import java.time.Duration;
import java.time.Instant;

/**
 * The one clock of vbatch: what time it is and how to wait. Production uses {@link #SYSTEM}; tests
 * inject a fake whose {@code sleep} advances its own clock, so waiting logic is tested without
 * sleeping.
 */
public interface TimeSource {
  Instant now();

  void sleep(Duration duration) throws InterruptedException;

  TimeSource SYSTEM =
      new TimeSource() {
        @Override
        public Instant now() {
          return Instant.now();
        }

        @Override
        public void sleep(Duration duration) throws InterruptedException {
          if (!duration.isNegative() && !duration.isZero()) {
            Thread.sleep(duration.toMillis());
          }
        }
      };
}
