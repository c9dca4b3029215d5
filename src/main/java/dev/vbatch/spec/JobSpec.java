package dev.vbatch.spec;

import com.google.cloud.aiplatform.v1.GenerationConfig;
import com.google.cloud.aiplatform.v1.SafetySetting;
import com.google.cloud.aiplatform.v1.Schema;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated job spec ({@code jobs/NAME/job.yaml}). Instances come only from {@link
 * SpecReader#read}, so an invalid spec never exists. Relative paths in the file are resolved against
 * the file's directory.
 */
public record JobSpec(
    Path file,
    String name,
    String model,
    Backend backend,
    Optional<String> project,
    String location,
    InputSpec input,
    PromptTemplate system,
    PromptTemplate user,
    Path schemaFile,
    ResultSchema resultSchema,
    Schema responseSchema,
    GenerationConfig generation,
    List<SafetySetting> safety,
    Map<String, String> labels,
    Optional<String> staging,
    Optional<Path> output,
    Limits limits,
    int retryRounds,
    List<String> warnings) {

  /** Where batch jobs run. */
  public enum Backend {
    EMULATOR,
    VERTEX
  }

  /**
   * Sizes that shape shards and requests, and how long a shard's job may stay queued or running
   * before the watchdog cancels it.
   */
  public record Limits(int maxRequestsPerShard, long maxShardBytes, long maxInlineTextBytes, java.time.Duration maxWait) {
    public static final int MAX_REQUESTS_PER_JOB = 200_000;
    public static final long MAX_SHARD_BYTES = 1_000_000_000L;
    public static final java.time.Duration DEFAULT_MAX_WAIT = java.time.Duration.ofHours(24);

    public static Limits defaults() {
      return new Limits(MAX_REQUESTS_PER_JOB, MAX_SHARD_BYTES, 1_000_000L, DEFAULT_MAX_WAIT);
    }
  }

  /** Retry rounds when retry.rounds is not given. */
  public static final int DEFAULT_RETRY_ROUNDS = 2;

  /** The model as Vertex names it in a BatchPredictionJob. */
  public String modelResource() {
    return model.contains("/") ? model : "publishers/google/models/" + model;
  }
}
