package dev.vbatch.vertex;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** What vbatch knows of one BatchPredictionJob. */
public record BatchJob(
    String name,
    String displayName,
    JobState state,
    long succeeded,
    long failed,
    long incomplete,
    Optional<String> outputDirectory,
    Optional<String> error,
    Instant createTime,
    Map<String, String> labels,
    String model) {
  public BatchJob(String name, String displayName, JobState state, long succeeded, long failed, long incomplete,
      Optional<String> outputDirectory, Optional<String> error, Instant createTime, Map<String, String> labels) {
    this(name, displayName, state, succeeded, failed, incomplete, outputDirectory, error, createTime, labels, "");
  }
}
