package dev.vbatch.event;

/**
 * What the core tells the outside world. The core never prints: it emits these, and the CLI renders
 * them as progress bars, plain lines or JSON.
 */
public sealed interface Event {
  /** A message for a person. */
  record Log(Level level, String message) implements Event {}

  /** A stage begins (plan, build, stage, submit, wait, collect, write), before it has progress to report. */
  record Stage(String name) implements Event {}

  /** Progress of one stage: done out of total units (items, requests, rows). */
  record Progress(String stage, long done, long total, String unit) implements Event {}

  /** Progress of online calls: results so far, their rate per second and the time left (null when unknown). */
  record Calls(long done, long total, long succeeded, long failed, double perSecond, java.time.Duration eta)
      implements Event {}

  /** A batch job changed state or counts. */
  record JobUpdate(
      int shard, String jobName, String state, long succeeded, long failed, long total)
      implements Event {}

  /** How loud a log message is. */
  enum Level {
    DEBUG,
    INFO,
    WARN,
    ERROR
  }
}
