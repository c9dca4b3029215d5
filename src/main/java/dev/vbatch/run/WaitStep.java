package dev.vbatch.run;

import dev.vbatch.event.Event;
import dev.vbatch.event.EventSink;
import dev.vbatch.util.Backoff;
import dev.vbatch.util.CrashPoints;
import dev.vbatch.util.Durations;
import dev.vbatch.util.TimeSource;
import dev.vbatch.vertex.BatchJob;
import dev.vbatch.vertex.BatchJobs;
import dev.vbatch.vertex.CloudException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.HashMap;
import java.util.Map;

/**
 * Polls every shard's job until all have ended, with capped exponential backoff and jitter, and
 * reports completionStats as progress. A transient failure of one poll is logged and retried at the
 * next one. The watchdog cancels a job still queued or running {@code maxWait} after it was
 * submitted; its unanswered requests end as timed-out (and are retried if rounds are left).
 */
public final class WaitStep {
  /** How often to poll. */
  public record Polling(Duration initial, Duration max) {
    public static final Polling VERTEX = new Polling(Duration.ofSeconds(10), Duration.ofMinutes(2));
    public static final Polling EMULATOR = new Polling(Duration.ofMillis(250), Duration.ofSeconds(2));
  }

  private static final int MAX_CONSECUTIVE_ERRORS = 20;

  private WaitStep() {}

  /** Waits and returns the final job of each shard, by shard index. */
  public static Map<Integer, BatchJob> run(RunState state, List<RunState.ShardState> shards, Path stateFile,
      BatchJobs jobs, Polling polling, Duration maxWait, TimeSource time, EventSink events)
      throws IOException, InterruptedException {
    Map<Integer, BatchJob> last = new HashMap<>();
    events.emit(new dev.vbatch.event.Event.Stage("wait"));
    Backoff backoff = new Backoff(polling.initial(), polling.max(), 1.5, state.runId.hashCode());
    long total = shards.stream().mapToLong(s -> s.requests).sum();
    int errors = 0;
    while (true) {
      boolean changed = false;
      for (RunState.ShardState s : shards) {
        BatchJob previous = last.get(s.index);
        if (previous != null && previous.state().isTerminal()) {
          continue;
        }
        BatchJob job;
        try {
          job = jobs.get(s.jobName);
          errors = 0;
        } catch (CloudException e) {
          if (++errors > MAX_CONSECUTIVE_ERRORS || !isTransient(e)) {
            throw e;
          }
          events.warn("polling " + s.jobName + " failed (" + e.code() + "); trying again");
          continue;
        }
        last.put(s.index, job);
        if (previous == null || previous.state() != job.state() || previous.succeeded() != job.succeeded()
            || previous.failed() != job.failed()) {
          changed = true;
          events.emit(new Event.JobUpdate(s.index, job.name(), job.state().name(), job.succeeded(), job.failed(), s.requests));
          s.state = job.state().name();
          s.succeeded = job.succeeded();
          s.failed = job.failed();
          s.outputDirectory = job.outputDirectory().orElse(null);
          s.error = job.error().orElse(null);
        }
        Instant since = s.submittedAt != null ? Instant.parse(s.submittedAt) : job.createTime();
        Duration age = Duration.between(since, time.now());
        if (!job.state().isTerminal() && !s.cancelRequested && age.compareTo(maxWait) > 0) {
          events.warn("shard " + s.index + ": job " + job.name() + " is still " + job.state() + " after "
              + Durations.format(age) + " (limits.maxWait " + Durations.format(maxWait) + "); cancelling it");
          s.timedOut = true;
          s.cancelRequested = true;
          state.save(stateFile);
          try {
            jobs.cancel(job.name());
          } catch (CloudException e) {
            events.warn("cancelling " + job.name() + " failed: " + e.getMessage() + "; it is waited for as it is");
          }
          changed = true;
        }
      }
      CrashPoints.hit("wait.poll");
      long done = last.values().stream().mapToLong(j -> j.succeeded() + j.failed()).sum();
      boolean allEnded = last.size() == shards.size()
          && last.values().stream().allMatch(j -> j.state().isTerminal());
      if (changed) {
        state.save(stateFile);
        events.emit(new Event.Progress("wait", done, total, "requests"));
      }
      if (allEnded) {
        return last;
      }
      time.sleep(backoff.next());
    }
  }

  private static boolean isTransient(CloudException e) {
    return e.code().equals("UNAVAILABLE") || e.code().equals("RESOURCE_EXHAUSTED")
        || e.code().equals("DEADLINE_EXCEEDED") || e.code().equals("INTERNAL");
  }
}
