package dev.vbatch.testing;

import dev.vbatch.util.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that moves only when someone sleeps on it: waiting logic runs instantly in tests. */
public final class FakeTime implements TimeSource {
  private final AtomicReference<Instant> now;
  private volatile long sleeps;

  public FakeTime(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  public FakeTime() {
    this(Instant.parse("2026-11-21T03:00:00Z"));
  }

  @Override
  public Instant now() {
    return now.get();
  }

  @Override
  public void sleep(Duration duration) {
    sleeps++;
    now.updateAndGet(t -> t.plus(duration));
  }

  public long sleeps() {
    return sleeps;
  }
}
