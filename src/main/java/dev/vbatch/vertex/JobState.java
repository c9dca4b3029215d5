package dev.vbatch.vertex;

/** A batch job's state, as Vertex reports it, in vbatch's own type. */
public enum JobState {
  QUEUED,
  PENDING,
  RUNNING,
  SUCCEEDED,
  PARTIALLY_SUCCEEDED,
  FAILED,
  CANCELLING,
  CANCELLED,
  PAUSED,
  EXPIRED,
  UPDATING,
  UNKNOWN;

  public boolean isTerminal() {
    return this == SUCCEEDED || this == PARTIALLY_SUCCEEDED || this == FAILED || this == CANCELLED
        || this == EXPIRED;
  }

  /** Ended without finishing its work: its missing rows are failures of the job, not of the rows. */
  public boolean isJobFailure() {
    return this == FAILED || this == CANCELLED || this == EXPIRED;
  }
}
