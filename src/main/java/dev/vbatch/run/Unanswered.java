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
    if (js == JobState.FAILED && s.error != null) {
      Outcome byCode = byErrorCode(s);
      if (byCode != null) {
        return byCode;
      }
    }
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

  /**
   * A failed job's error read by its code (VERTEX.md): 13 is Vertex's transient system error and is
   * resubmitted (job-failed, retryable); 3, 7 and 9 fail the same way until something is fixed, so
   * they are not resubmitted and say what to fix. Null for other codes.
   */
  private static Outcome byErrorCode(RunState.ShardState s) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\(code (\\d+)\\)$").matcher(s.error);
    if (!m.find()) {
      return null;
    }
    String job = "batch job " + s.jobName + " failed: " + s.error;
    return switch (Integer.parseInt(m.group(1))) {
      case 13 -> Outcome.failed("job-failed", job + "; Vertex's system error is transient, so the next round resubmits"
          + " this request", Usage.NONE);
      case 3 -> Outcome.failed("job-input-refused", job + "; Vertex could not import the job's input: fix the request"
          + " it names (vbatch plan checks the importer's rules before anything is sent)", Usage.NONE);
      case 7 -> Outcome.failed("job-permission", job + "; the Vertex AI service agent"
          + " (service-PROJECT_NUMBER@gcp-sa-aiplatform.iam.gserviceaccount.com) may not write the output: grant it"
          + " roles/storage.objectUser on the staging bucket, then run again", Usage.NONE);
      case 9 -> Outcome.failed("job-bucket-missing", job + "; the job's Cloud Storage bucket does not exist: create it"
          + " in the job's region or fix 'staging', then run again", Usage.NONE);
      default -> null;
    };
  }
}
