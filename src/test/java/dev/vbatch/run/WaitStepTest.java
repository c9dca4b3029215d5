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
  static final class ScriptedJobs implements BatchJobs {
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
    public void close() {}
  }

  private RunState state() {
    RunState st = new RunState();
    st.runId = "r1";
    RunState.ShardState s = new RunState.ShardState();
    s.index = 0;
    s.jobName = "jobs/1";
    s.requests = 4;
    st.shards.add(s);
    return st;
  }

  @ParameterizedTest
  @EnumSource(value = JobState.class, names = {"SUCCEEDED", "PARTIALLY_SUCCEEDED", "FAILED", "CANCELLED", "EXPIRED"})
  void waitsThroughEveryStateToAnyEnd(JobState end) throws Exception {
    ScriptedJobs jobs = new ScriptedJobs(JobState.QUEUED, JobState.PENDING, JobState.RUNNING, JobState.PAUSED,
        JobState.RUNNING, JobState.CANCELLING, end);
    FakeTime time = new FakeTime();
    List<Event> events = new ArrayList<>();
    var result = WaitStep.run(state(), tmp.resolve("state.json"), jobs, WaitStep.Polling.EMULATOR, time, events::add);
    assertThat(result.get(0).state()).isEqualTo(end);
    assertThat(jobs.gets).isEqualTo(7);
    assertThat(events).filteredOn(e -> e instanceof Event.JobUpdate).hasSize(7);
    assertThat(RunState.load(tmp.resolve("state.json")).shards.get(0).state).isEqualTo(end.name());
  }

  @Test
  void transientPollFailuresAreRetriedAtTheNextPoll() throws Exception {
    ScriptedJobs jobs = new ScriptedJobs(JobState.RUNNING, null, null, JobState.SUCCEEDED);
    List<Event> events = new ArrayList<>();
    var result = WaitStep.run(state(), tmp.resolve("s.json"), jobs, WaitStep.Polling.EMULATOR, new FakeTime(), events::add);
    assertThat(result.get(0).state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(events).filteredOn(e -> e instanceof Event.Log l && l.level() == Event.Level.WARN).hasSize(2);
  }

  @Test
  void persistentFailuresEndTheWait() {
    JobState[] states = new JobState[30];
    ScriptedJobs jobs = new ScriptedJobs(states);
    assertThatThrownBy(() -> WaitStep.run(state(), tmp.resolve("s.json"), jobs, WaitStep.Polling.EMULATOR, new FakeTime(), e -> {}))
        .isInstanceOf(CloudException.class);
  }

  @Test
  void pollingBacksOffToItsCap() throws Exception {
    JobState[] states = new JobState[40];
    java.util.Arrays.fill(states, JobState.QUEUED);
    states[39] = JobState.SUCCEEDED;
    FakeTime time = new FakeTime();
    Instant start = time.now();
    WaitStep.run(state(), tmp.resolve("s.json"), new ScriptedJobs(states), new WaitStep.Polling(Duration.ofSeconds(1), Duration.ofSeconds(60)), time, e -> {});
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
