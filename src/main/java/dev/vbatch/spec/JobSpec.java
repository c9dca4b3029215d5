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
    Optional<String> stagingDataset,
    Optional<Path> output,
    List<String> formats,
    Optional<String> resultsTable,
    Optional<String> resultsUri,
    Limits limits,
    int retryRounds,
    Mode mode,
    Mode retryMode,
    Online online,
    List<String> warnings,
    List<Step> steps) {

  /**
   * One step of a chain: its name, its own spec (prompt, schema, model and generation settings; the
   * rest is the job's), whether the earlier steps' turns go with it as conversation history, and the
   * condition an item must meet to go on to it.
   */
  public record Step(String name, JobSpec spec, boolean history, Optional<Condition> when) {}

  /** Whether this is a chain of steps (then this spec is the first step's, and {@link #steps} holds them all). */
  public boolean isChain() {
    return !steps.isEmpty();
  }

  public JobSpec withSteps(List<Step> chain) {
    return new JobSpec(file, name, model, backend, project, location, input, system, user, schemaFile, resultSchema,
        responseSchema, generation, safety, labels, staging, stagingDataset, output, formats, resultsTable, resultsUri, limits, retryRounds, mode, retryMode,
        online, warnings, List.copyOf(chain));
  }

  /** The same spec with another input (an option on the command line that changes it). */
  public JobSpec withInput(InputSpec other) {
    return new JobSpec(file, name, model, backend, project, location, other, system, user, schemaFile, resultSchema,
        responseSchema, generation, safety, labels, staging, stagingDataset, output, formats, resultsTable, resultsUri, limits, retryRounds, mode, retryMode,
        online, warnings, steps);
  }

  /**
   * How a round's requests are sent: as batch jobs (half the price, queued), as concurrent online
   * generateContent calls (at once, full price), or chosen per round by its size.
   */
  public enum Mode {
    BATCH,
    ONLINE,
    AUTO;

    /** The mode a round of {@code requests} requests runs in. */
    public Mode resolve(long requests, Online online) {
      return this != AUTO ? this : requests < online.autoBelow() ? ONLINE : BATCH;
    }

    /** Parses batch, online or auto (any case); the message names the choices otherwise. */
    public static Mode parse(String text) {
      try {
        return valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("is '" + text + "'; use batch, online or auto "
            + "(auto sends a round online when it has fewer than online.autoBelow requests)");
      }
    }

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * The online executor's settings: concurrent calls, requests and tokens per minute (0 for no
   * limit), retries of a transient error per request, how many requests may fail for good before the
   * run stops (-1 for no limit), how many results are written to the checkpoint at a time, and the
   * round size below which mode auto sends online.
   */
  public record Online(int concurrency, int requestsPerMinute, long tokensPerMinute, int maxRetries, long maxFailed,
      int checkpointEvery, long autoBelow) {
    public static Online defaults() {
      return new Online(16, 600, 0, 6, 1000, 10, 200);
    }
  }

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
