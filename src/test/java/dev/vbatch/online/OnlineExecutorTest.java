package dev.vbatch.online;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.aiplatform.v1.Content;
import com.google.cloud.aiplatform.v1.GenerateContentRequest;
import com.google.cloud.aiplatform.v1.GenerateContentResponse;
import com.google.cloud.aiplatform.v1.Part;
import dev.vbatch.testing.FakeTime;
import dev.vbatch.vertex.OnlineModel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OnlineExecutorTest {
  private final FakeTime time = new FakeTime();
  private final ExecutorService answerer = Executors.newFixedThreadPool(4);

  @AfterEach
  void stop() {
    answerer.shutdownNow();
  }

  /**
   * A model that answers on other threads; {@code behaviour} gets the request's text and its call
   * number and returns null for a response or the failure to give.
   */
  private final class ScriptedModel implements OnlineModel {
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    final List<Instant> callTimes = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger inFlight = new AtomicInteger();
    volatile int maxInFlight;
    private final BiFunction<String, Integer, CallFailure> behaviour;

    ScriptedModel(BiFunction<String, Integer, CallFailure> behaviour) {
      this.behaviour = behaviour;
    }

    @Override
    public CompletableFuture<GenerateContentResponse> generate(GenerateContentRequest request) {
      String text = request.getContents(0).getParts(0).getText();
      int n = calls.computeIfAbsent(text, k -> new AtomicInteger()).incrementAndGet();
      callTimes.add(time.now());
      synchronized (this) {
        maxInFlight = Math.max(maxInFlight, inFlight.incrementAndGet());
      }
      CallFailure failure = behaviour.apply(text, n);
      return CompletableFuture.supplyAsync(() -> {
        inFlight.decrementAndGet();
        if (failure != null) {
          throw failure;
        }
        return GenerateContentResponse.newBuilder().setModelVersion(text).setUsageMetadata(
            GenerateContentResponse.UsageMetadata.newBuilder().setTotalTokenCount(10)).build();
      }, answerer);
    }

    @Override
    public void close() {}
  }

  private static List<OnlineExecutor.Call> calls(int n) {
    List<OnlineExecutor.Call> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new OnlineExecutor.Call("k" + i, GenerateContentRequest.newBuilder()
          .addContents(Content.newBuilder().addParts(Part.newBuilder().setText("r" + i))).build(), 10));
    }
    return out;
  }

  private List<OnlineExecutor.Result> run(OnlineModel model, OnlineExecutor.Settings settings, int n)
      throws InterruptedException {
    List<OnlineExecutor.Result> results = new ArrayList<>();
    new OnlineExecutor(model, settings, time, new Random(1)).run(calls(n).iterator(), r -> results.add(r));
    return results;
  }

  @Test
  void transientErrorsAreRetriedUntilTheCallSucceeds() throws Exception {
    ScriptedModel model = new ScriptedModel((text, n) -> n <= 2 ? new OnlineModel.CallFailure("UNAVAILABLE", "busy", null) : null);
    List<OnlineExecutor.Result> results = run(model, new OnlineExecutor.Settings(8, 0, 0, 3), 50);
    assertThat(results).hasSize(50).allSatisfy(r -> {
      assertThat(r.response()).isNotNull();
      assertThat(r.attempts()).isEqualTo(3);
    });
    assertThat(model.calls.values()).allSatisfy(c -> assertThat(c.get()).isEqualTo(3));
  }

  @Test
  void aCallStillFailingAfterMaxRetriesIsReportedWithItsLastError() throws Exception {
    ScriptedModel model = new ScriptedModel((text, n) -> new OnlineModel.CallFailure("RESOURCE_EXHAUSTED", "quota " + n, null));
    List<OnlineExecutor.Result> results = run(model, new OnlineExecutor.Settings(4, 0, 0, 2), 5);
    assertThat(results).hasSize(5).allSatisfy(r -> {
      assertThat(r.failure().getMessage()).isEqualTo("quota 3");
      assertThat(r.attempts()).isEqualTo(3);
    });
  }

  @Test
  void errorsThatNoRetryFixesAreNotRetried() throws Exception {
    ScriptedModel model = new ScriptedModel((text, n) -> new OnlineModel.CallFailure("INVALID_ARGUMENT", "bad", null));
    List<OnlineExecutor.Result> results = run(model, new OnlineExecutor.Settings(4, 0, 0, 5), 5);
    assertThat(results).allSatisfy(r -> assertThat(r.attempts()).isEqualTo(1));
  }

  @Test
  void theServersRetryDelayIsHonoured() throws Exception {
    ScriptedModel model = new ScriptedModel((text, n) -> n == 1
        ? new OnlineModel.CallFailure("RESOURCE_EXHAUSTED", "slow down", Duration.ofSeconds(30)) : null);
    Instant start = time.now();
    run(model, new OnlineExecutor.Settings(1, 0, 0, 3), 1);
    assertThat(model.callTimes).hasSize(2);
    Duration gap = Duration.between(model.callTimes.get(0), model.callTimes.get(1));
    assertThat(gap).isBetween(Duration.ofSeconds(30), Duration.ofSeconds(33));
    assertThat(model.callTimes.get(0)).isEqualTo(start);
  }

  @Test
  void backoffIsExponentialWithFullJitter() {
    OnlineExecutor executor = new OnlineExecutor(new ScriptedModel((t, n) -> null), new OnlineExecutor.Settings(1, 0, 0, 9),
        time, new Random(3));
    OnlineModel.CallFailure busy = new OnlineModel.CallFailure("UNAVAILABLE", "busy", null);
    for (int attempt = 1; attempt <= 9; attempt++) {
      Duration cap = Duration.ofSeconds(Math.min(60, 1L << (attempt - 1)));
      Duration max = Duration.ZERO;
      Duration min = cap;
      for (int i = 0; i < 200; i++) {
        Duration d = executor.delay(attempt, busy);
        assertThat(d).isBetween(Duration.ZERO, cap);
        max = d.compareTo(max) > 0 ? d : max;
        min = d.compareTo(min) < 0 ? d : min;
      }
      // Spread over the whole range, not clustered at the cap.
      assertThat(max).isGreaterThan(cap.multipliedBy(8).dividedBy(10));
      assertThat(min).isLessThan(cap.multipliedBy(2).dividedBy(10));
    }
  }

  @Test
  void neverMoreCallsInFlightThanTheConcurrency() throws Exception {
    ScriptedModel model = new ScriptedModel((text, n) -> null);
    List<OnlineExecutor.Result> results = run(model, new OnlineExecutor.Settings(3, 0, 0, 0), 200);
    assertThat(results).hasSize(200);
    assertThat(model.maxInFlight).isBetween(1, 3);
  }

  @Test
  void theRequestsPerMinuteLimitSpacesTheCalls() throws Exception {
    ScriptedModel model = new ScriptedModel((text, n) -> null);
    run(model, new OnlineExecutor.Settings(10, 60, 0, 0), 6);
    List<Instant> times = model.callTimes;
    assertThat(times).hasSize(6);
    // One a second: the first at once, each next at least a second after the one before.
    for (int i = 1; i < times.size(); i++) {
      assertThat(Duration.between(times.get(i - 1), times.get(i))).isGreaterThanOrEqualTo(Duration.ofMillis(999));
    }
  }

  @Test
  void whenTheListenerSaysStopNoNewCallIsSent() throws Exception {
    ScriptedModel model = new ScriptedModel((text, n) -> null);
    List<OnlineExecutor.Result> results = new ArrayList<>();
    OnlineExecutor.Stats stats = new OnlineExecutor(model, new OnlineExecutor.Settings(2, 0, 0, 0), time, new Random(1))
        .run(calls(100).iterator(), r -> {
          results.add(r);
          return results.size() < 5;
        });
    assertThat(stats.stopped()).isTrue();
    // Five results, and at most the two then in flight after them.
    assertThat(results.size()).isBetween(5, 7);
    assertThat(stats.attempts()).isEqualTo(results.size());
  }
}
