package dev.vbatch.emulator;

/**
 * What the emulator keeps of a job besides the BatchPredictionJob itself: its decided fault, and
 * how far processing has gone. Stored as JSON beside the job.
 */
final class EmulatedJob {
  public String id;
  public String fault = "none";
  public long total = -1;
  public long rowsDone;
  public long succeeded;
  public long failed;
  public boolean cancelRequested;
  public String outputDirectory;
  /** The row faults and seed in force when the job was created; they travel with the job. */
  public java.util.Map<String, Double> faults = new java.util.HashMap<>();
  public long seed;
  /**
   * This job's place among all jobs the emulator has created (1 for the first). Row faults are
   * drawn per request and per job, so a request sent again in a later job gets a fresh draw.
   */
  public long sequence;
  /** The length of predictions.jsonl as of rowsDone; anything past it was cut off by a crash. */
  public long outputBytes;
  /** For a gs:// output: how many predictions files have been written. */
  public int outputFiles;
}
