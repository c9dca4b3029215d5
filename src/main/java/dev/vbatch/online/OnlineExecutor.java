package dev.vbatch.online;

import com.google.cloud.aiplatform.v1.GenerateContentRequest;
import com.google.cloud.aiplatform.v1.GenerateContentResponse;
import dev.vbatch.util.TimeSource;
import dev.vbatch.vertex.OnlineModel;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Iterator;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Sends requests as concurrent online calls: at most {@code concurrency} in flight, within the
 * requests- and tokens-per-minute limits, retrying transient errors with exponential backoff and
 * full jitter (or the delay the server asked for). One thread dispatches and handles every result,
 * so the listener needs no locking; calls complete on the client's threads without holding one.
 */
public final class OnlineExecutor {
  /** gRPC codes worth another attempt of the same call. */
  public static final Set<String> TRANSIENT = Set.of("RESOURCE_EXHAUSTED", "UNAVAILABLE", "DEADLINE_EXCEEDED", "INTERNAL");
  private static final Duration BASE_DELAY = Duration.ofSeconds(1);
  private static final Duration MAX_DELAY = Duration.ofSeconds(60);
  private static final Duration MAX_IDLE_WAIT = Duration.ofMillis(200);

  /** One request to send, with its key and the tokens it is expected to use. */
  public record Call(String key, GenerateContentRequest request, long estimatedTokens) {}

  /**
   * How a call ended: a response, or the failure of its last attempt (a non-transient error, or a
   * transient one after maxRetries retries).
   */
  public record Result(Call call, GenerateContentResponse response, OnlineModel.CallFailure failure, int attempts) {}

  /** Receives each call's result on the dispatching thread; returns false to stop sending new calls. */
  @FunctionalInterface
  public interface Listener {
    boolean done(Result result);
  }

  /** Limits and retries. */
  public record Settings(int concurrency, long requestsPerMinute, long tokensPerMinute, int maxRetries) {}

  /** What a run of the executor did: calls made (attempts included) and retries among them. */
  public record Stats(long attempts, long retries, boolean stopped) {}

  private record Attempt(Call call, int number, Instant due) {}

  private record Completion(Attempt attempt, GenerateContentResponse response, Throwable error) {}

  private final OnlineModel model;
  private final Settings settings;
  private final TimeSource time;
  private final Random random;
  private final RateLimiter limiter;
  private final BlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
  private final PriorityQueue<Attempt> retries = new PriorityQueue<>(Comparator.comparing(Attempt::due));
  private int inFlight;
  private long attempts;
  private long retried;
  private boolean stopping;

  public OnlineExecutor(OnlineModel model, Settings settings, TimeSource time, Random random) {
    this.model = model;
    this.settings = settings;
    this.time = time;
    this.random = random;
    this.limiter = new RateLimiter(settings.requestsPerMinute(), settings.tokensPerMinute(), time.now());
  }

  /** Sends every call of {@code calls} (or until the listener says stop) and returns once none is in flight. */
  public Stats run(Iterator<Call> calls, Listener listener) throws InterruptedException {
    Attempt ready = null;
    while (true) {
      drain(listener, Duration.ZERO);
      if (stopping) {
        retries.clear();
        ready = null;
      } else if (ready == null) {
        ready = next(calls);
      }
      if (ready == null) {
        if (inFlight == 0) {
          if (retries.isEmpty()) {
            return new Stats(attempts, retried, stopping);
          }
          time.sleep(Duration.between(time.now(), retries.peek().due()));
        } else {
          drain(listener, untilNextRetry());
        }
        continue;
      }
      if (inFlight >= settings.concurrency()) {
        drain(listener, MAX_IDLE_WAIT);
        continue;
      }
      Duration wait = limiter.admit(ready.call().estimatedTokens(), time.now());
      if (!wait.isZero()) {
        time.sleep(wait.compareTo(MAX_IDLE_WAIT) < 0 ? wait : MAX_IDLE_WAIT);
        continue;
      }
      send(ready);
      ready = null;
    }
  }

  private Attempt next(Iterator<Call> calls) {
    Attempt retry = retries.peek();
    if (retry != null && !retry.due().isAfter(time.now())) {
      return retries.poll();
    }
    return calls.hasNext() ? new Attempt(calls.next(), 1, time.now()) : null;
  }

  private Duration untilNextRetry() {
    if (retries.isEmpty()) {
      return MAX_IDLE_WAIT;
    }
    Duration d = Duration.between(time.now(), retries.peek().due());
    return d.isNegative() || d.isZero() ? Duration.ofMillis(1) : d.compareTo(MAX_IDLE_WAIT) < 0 ? d : MAX_IDLE_WAIT;
  }

  private void send(Attempt a) {
    inFlight++;
    attempts++;
    if (a.number() > 1) {
      retried++;
    }
    model.generate(a.call().request()).whenComplete((r, e) -> completions.add(new Completion(a, r, e)));
  }

  /** Handles every completion that arrives within {@code wait} (at least those already there). */
  private void drain(Listener listener, Duration wait) throws InterruptedException {
    Completion c = wait.isZero() ? completions.poll() : completions.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
    while (c != null) {
      inFlight--;
      handle(c, listener);
      c = completions.poll();
    }
  }

  private void handle(Completion c, Listener listener) {
    Attempt a = c.attempt();
    Call call = a.call();
    if (c.error() == null) {
      var usage = c.response().getUsageMetadata();
      limiter.correct(call.estimatedTokens(), usage.getTotalTokenCount());
      report(listener, new Result(call, c.response(), null, a.number()));
      return;
    }
    Throwable e = c.error() instanceof CompletionException && c.error().getCause() != null ? c.error().getCause() : c.error();
    OnlineModel.CallFailure failure = e instanceof OnlineModel.CallFailure f ? f
        : new OnlineModel.CallFailure("UNKNOWN", "the call failed: " + e, null);
    if (TRANSIENT.contains(failure.code()) && a.number() <= settings.maxRetries() && !stopping) {
      retries.add(new Attempt(call, a.number() + 1, time.now().plus(delay(a.number(), failure))));
      return;
    }
    report(listener, new Result(call, null, failure, a.number()));
  }

  private void report(Listener listener, Result result) {
    if (!listener.done(result)) {
      stopping = true;
    }
  }

  /**
   * The wait before retry {@code attempt}: the server's retry delay plus up to a tenth more when it
   * gave one, else a uniform draw from zero to min(60 s, 1 s × 2^(attempt-1)) ("full jitter").
   */
  Duration delay(int attempt, OnlineModel.CallFailure failure) {
    if (failure.retryDelay().isPresent()) {
      Duration d = failure.retryDelay().get();
      return d.plusNanos((long) (random.nextDouble() * d.toNanos() / 10));
    }
    long cap = Math.min(MAX_DELAY.toNanos(), BASE_DELAY.toNanos() << Math.min(attempt - 1, 20));
    return Duration.ofNanos((long) (random.nextDouble() * cap));
  }
}
