package dev.vbatch.run;

import dev.vbatch.results.Outcome;
import dev.vbatch.results.Usage;
import dev.vbatch.util.Durations;
import dev.vbatch.vertex.JobState;
import java.time.Duration;

/** The outcome of a request that a batch round sent but got no prediction for, by what its shard's job did. */
final class Unanswered {
  private Unanswered() {}

  static Outcome of(RunState.ShardState s, Duration maxWait) {
    if (s == null || s.jobName == null) {
      return Outcome.failed("missing", "this request's shard was never submitted; run the job again", Usage.NONE);
    }
    if (s.timedOut) {
      return Outcome.failed("timed-out", "batch job " + s.jobName + " was cancelled after waiting longer than limits.maxWait ("
          + Durations.format(maxWait) + ") before answering this request; raise limits.maxWait or run the job again",
          Usage.NONE);
    }
    JobState js = s.jobState().orElse(JobState.UNKNOWN);
    if (js.isJobFailure()) {
      String reason = switch (js) {
        case EXPIRED -> "job-expired";
        case CANCELLED -> "job-cancelled";
        default -> "job-failed";
      };
      return Outcome.failed(reason, "batch job " + s.jobName + " ended " + js + " before answering this request"
          + (s.error == null ? "" : ": " + s.error) + "; run the job again to retry it", Usage.NONE);
    }
    return Outcome.failed("missing", "Vertex returned no prediction for this request (job " + s.jobName + " ended "
        + js + "); run the job again to retry it", Usage.NONE);
  }
}
