package dev.vbatch.online;

import java.time.Duration;
import java.time.Instant;

/**
 * Requests-per-minute and tokens-per-minute limits as two token buckets that refill continuously,
 * each holding at most one second's worth, so calls are spread evenly over the minute. A call's
 * tokens are an estimate when it is admitted; {@link #correct} settles the difference once the
 * response says how many it used. Time is passed in, so tests need no clock.
 */
public final class RateLimiter {
  private final double requestsPerSecond;
  private final double tokensPerSecond;
  private final double requestCapacity;
  private final double tokenCapacity;
  private double requests;
  private double tokens;
  private Instant last;

  /** Limits of {@code requestsPerMinute} and {@code tokensPerMinute}; 0 means no limit. */
  public RateLimiter(long requestsPerMinute, long tokensPerMinute, Instant start) {
    this.requestsPerSecond = requestsPerMinute / 60.0;
    this.tokensPerSecond = tokensPerMinute / 60.0;
    this.requestCapacity = Math.max(1, requestsPerSecond);
    this.tokenCapacity = Math.max(1, tokensPerSecond);
    this.requests = requestCapacity;
    this.tokens = tokenCapacity;
    this.last = start;
  }

  /**
   * Admits a call of about {@code estimatedTokens} tokens at {@code now} and returns zero, or
   * admits nothing and returns how long to wait before asking again. A call larger than a second's
   * tokens is admitted once the bucket is full, so it waits but never forever.
   */
  public synchronized Duration admit(long estimatedTokens, Instant now) {
    refill(now);
    double wait = 0;
    if (requestsPerSecond > 0 && requests < 1) {
      wait = (1 - requests) / requestsPerSecond;
    }
    double need = Math.min(estimatedTokens, tokenCapacity);
    if (tokensPerSecond > 0 && tokens < need) {
      wait = Math.max(wait, (need - tokens) / tokensPerSecond);
    }
    if (wait > 0) {
      return Duration.ofNanos(Math.max(1_000_000L, (long) Math.ceil(wait * 1e9)));
    }
    if (requestsPerSecond > 0) {
      requests -= 1;
    }
    if (tokensPerSecond > 0) {
      tokens -= estimatedTokens;
    }
    return Duration.ZERO;
  }

  /** Settles a call that used {@code actual} tokens after {@code estimated} were taken for it. */
  public synchronized void correct(long estimated, long actual) {
    if (tokensPerSecond > 0) {
      tokens -= actual - estimated;
    }
  }

  private void refill(Instant now) {
    if (now.isAfter(last)) {
      double seconds = Duration.between(last, now).toNanos() / 1e9;
      requests = Math.min(requestCapacity, requests + seconds * requestsPerSecond);
      tokens = Math.min(tokenCapacity, tokens + seconds * tokensPerSecond);
      last = now;
    }
  }
}
