package dev.vbatch.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vbatch.event.Event;
import dev.vbatch.testing.FakeTime;
import dev.vbatch.util.Backoff;
import dev.vbatch.vertex.BatchJob;
import dev.vbatch.vertex.BatchJobs;
import dev.vbatch.vertex.CloudException;
import dev.vbatch.vertex.JobRequest;
import dev.vbatch.vertex.JobState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WaitStepTest {
  @TempDir Path tmp;

  /** Answers get() from a script of states; a null entry is a transient failure. */
  static class ScriptedJobs implements BatchJobs {
    final Deque<JobState> script;
    int gets;

    ScriptedJobs(JobState... states) {
      script = new ArrayDeque<>();
      for (JobState s : states) {
        script.add(s == null ? JobState.UNKNOWN : s);
      }
    }

    @Override
    public BatchJob create(JobRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public BatchJob get(String name) {
      gets++;
      JobState s = script.size() > 1 ? script.poll() : script.peek();
      if (s == JobState.UNKNOWN) {
        throw new CloudException("UNAVAILABLE", "try later", null);
      }
      long done = s.isTerminal() ? 4 : gets;
      return new BatchJob(name, "d", s, done, 0, 4 - done, Optional.of("file:///out"), Optional.empty(), Instant.EPOCH, Map.of());
    }

    @Override
    public List<BatchJob> findByLabels(Map<String, String> labels) {
      return List.of();
    }

    @Override
    public void cancel(String name) {}

    @Override
    public void delete(String name) {}

    @Override
    public void close() {}
  }

  private RunState state() {
    RunState st = new RunState();
    st.runId = "r1";
    RunState.ShardState s = new RunState.ShardState();
    s.index = 0;
    s.jobName = "jobs/1";
    s.requests = 4;
    s.submittedAt = new FakeTime().now().toString();
    st.shards.add(s);
    return st;
  }

  private static Map<Integer, BatchJob> waitFor(RunState st, Path file, BatchJobs jobs, WaitStep.Polling polling,
      FakeTime time, dev.vbatch.event.EventSink events) throws Exception {
    return WaitStep.run(st, st.shards, file, jobs, polling, Duration.ofHours(24), time, events);
  }

  /** A job that stays QUEUED until it is cancelled. */
  static final class StuckJobs extends ScriptedJobs {
    boolean cancelled;
    Instant cancelledAt;
    final FakeTime time;

    StuckJobs(FakeTime time) {
      super(JobState.QUEUED);
      this.time = time;
    }

    @Override
    public BatchJob get(String name) {
      JobState s = cancelled ? JobState.CANCELLED : JobState.QUEUED;
      return new BatchJob(name, "d", s, 0, 0, 4, Optional.empty(), Optional.empty(), Instant.EPOCH, Map.of());
    }

    @Override
    public void cancel(String name) {
      cancelled = true;
      cancelledAt = time.now();
    }
  }

  @Test
  void theWatchdogCancelsAJobStillQueuedAfterMaxWait() throws Exception {
    FakeTime time = new FakeTime();
    RunState st = state();
    st.shards.get(0).submittedAt = time.now().toString();
    StuckJobs jobs = new StuckJobs(time);
    List<Event> events = new ArrayList<>();
    var result = WaitStep.run(st, st.shards, tmp.resolve("s.json"), jobs,
        new WaitStep.Polling(Duration.ofMinutes(1), Duration.ofMinutes(5)), Duration.ofHours(2), time, events::add);
    assertThat(result.get(0).state()).isEqualTo(JobState.CANCELLED);
    assertThat(Duration.between(Instant.parse(st.shards.get(0).submittedAt), jobs.cancelledAt))
        .isBetween(Duration.ofHours(2), Duration.ofHours(2).plusMinutes(5));
    RunState saved = RunState.load(tmp.resolve("s.json"));
    assertThat(saved.shards.get(0).timedOut).isTrue();
    assertThat(events).filteredOn(e -> e instanceof Event.Log l && l.level() == Event.Level.WARN)
        .extracting(e -> ((Event.Log) e).message())
        .anySatisfy(m -> assertThat(m).contains("still QUEUED after 2h").contains("limits.maxWait 2h0m").contains("cancelling"));
  }

  @Test
  void theWatchdogLeavesAJobAloneWithinMaxWait() throws Exception {
    FakeTime time = new FakeTime();
    RunState st = state();
    st.shards.get(0).submittedAt = time.now().toString();
    JobState[] states = new JobState[60];
    java.util.Arrays.fill(states, JobState.RUNNING);
    states[59] = JobState.SUCCEEDED;
    ScriptedJobs jobs = new ScriptedJobs(states) {
      @Override
      public void cancel(String name) {
        throw new AssertionError("cancelled within maxWait");
      }
    };
    WaitStep.run(st, st.shards, tmp.resolve("s.json"), jobs, WaitStep.Polling.VERTEX, Duration.ofHours(6), time, e -> {});
    assertThat(st.shards.get(0).timedOut).isFalse();
  }

  @ParameterizedTest
  @EnumSource(value = JobState.class, names = {"SUCCEEDED", "PARTIALLY_SUCCEEDED", "FAILED", "CANCELLED", "EXPIRED"})
  void waitsThroughEveryStateToAnyEnd(JobState end) throws Exception {
    ScriptedJobs jobs = new ScriptedJobs(JobState.QUEUED, JobState.PENDING, JobState.RUNNING, JobState.PAUSED,
        JobState.RUNNING, JobState.CANCELLING, end);
    FakeTime time = new FakeTime();
    List<Event> events = new ArrayList<>();
    var result = waitFor(state(), tmp.resolve("state.json"), jobs, WaitStep.Polling.EMULATOR, time, events::add);
    assertThat(result.get(0).state()).isEqualTo(end);
    assertThat(jobs.gets).isEqualTo(7);
    assertThat(events).filteredOn(e -> e instanceof Event.JobUpdate).hasSize(7);
    assertThat(RunState.load(tmp.resolve("state.json")).shards.get(0).state).isEqualTo(end.name());
  }

  @Test
  void transientPollFailuresAreRetriedAtTheNextPoll() throws Exception {
    ScriptedJobs jobs = new ScriptedJobs(JobState.RUNNING, null, null, JobState.SUCCEEDED);
    List<Event> events = new ArrayList<>();
    var result = waitFor(state(), tmp.resolve("s.json"), jobs, WaitStep.Polling.EMULATOR, new FakeTime(), events::add);
    assertThat(result.get(0).state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(events).filteredOn(e -> e instanceof Event.Log l && l.level() == Event.Level.WARN).hasSize(2);
  }

  @Test
  void persistentFailuresEndTheWait() {
    JobState[] states = new JobState[30];
    ScriptedJobs jobs = new ScriptedJobs(states);
    assertThatThrownBy(() -> waitFor(state(), tmp.resolve("s.json"), jobs, WaitStep.Polling.EMULATOR, new FakeTime(), e -> {}))
        .isInstanceOf(CloudException.class);
  }

  @Test
  void pollingBacksOffToItsCap() throws Exception {
    JobState[] states = new JobState[40];
    java.util.Arrays.fill(states, JobState.QUEUED);
    states[39] = JobState.SUCCEEDED;
    FakeTime time = new FakeTime();
    Instant start = time.now();
    waitFor(state(), tmp.resolve("s.json"), new ScriptedJobs(states), new WaitStep.Polling(Duration.ofSeconds(1), Duration.ofSeconds(60)), time, e -> {});
    Duration waited = Duration.between(start, time.now());
    // 39 sleeps: growing by 1.5x from 1 s, capped at 60 s, each at least half its nominal value.
    assertThat(waited).isBetween(Duration.ofMinutes(10), Duration.ofMinutes(39));
  }

  @Test
  void backoffGrowsWithJitterAndNeverExceedsTheCap() {
    Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), 2.0, 42);
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      delays.add(b.next().toMillis());
    }
    assertThat(delays.get(0)).isBetween(50L, 100L);
    assertThat(delays.get(3)).isBetween(400L, 800L);
    assertThat(delays.subList(6, 12)).allSatisfy(d -> assertThat(d).isBetween(1000L, 2000L));
    assertThat(new java.util.HashSet<>(delays.subList(6, 12))).hasSizeGreaterThan(1);
    b.reset();
    assertThat(b.next().toMillis()).isBetween(50L, 100L);
  }
}
