package dev.vbatch.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/** Reads how a job's requests are sent: {@code mode}, {@code online} and {@code retry}. */
final class ModeReader {
  /** What {@link #read} found. */
  record Modes(JobSpec.Mode mode, int retryRounds, JobSpec.Mode retryMode, JobSpec.Online online) {}

  private final Problems problems;

  ModeReader(Problems problems) {
    this.problems = problems;
  }

  Modes read(JsonNode root) {
    JobSpec.Mode mode = mode(root.get("mode"), "mode", JobSpec.Mode.BATCH);
    JobSpec.Online online = online(root.get("online"));
    JsonNode retry = root.get("retry");
    int rounds = JobSpec.DEFAULT_RETRY_ROUNDS;
    JobSpec.Mode retryMode = mode;
    if (retry != null && !retry.isNull()) {
      if (!retry.isObject()) {
        problems.error("retry", "must be a mapping, e.g. retry: {rounds: 2, mode: online}");
      } else {
        problems.unknownKeys(retry, Set.of("rounds", "mode"), "retry.");
        rounds = (int) problems.range(retry, "rounds", "retry.rounds", 0, 10, rounds,
            "each round resends the items that failed for a retryable reason");
        retryMode = mode(retry.get("mode"), "retry.mode", mode);
      }
    }
    return new Modes(mode, rounds, retryMode, online);
  }

  private JobSpec.Mode mode(JsonNode node, String property, JobSpec.Mode dflt) {
    if (node == null || node.isNull()) {
      return dflt;
    }
    try {
      return JobSpec.Mode.parse(node.asText());
    } catch (IllegalArgumentException e) {
      problems.error(property, e.getMessage());
      return dflt;
    }
  }

  private JobSpec.Online online(JsonNode node) {
    JobSpec.Online d = JobSpec.Online.defaults();
    if (node == null || node.isNull()) {
      return d;
    }
    if (!node.isObject()) {
      problems.error("online", "must be a mapping, e.g. online: {concurrency: 16, requestsPerMinute: 600}");
      return d;
    }
    problems.unknownKeys(node, Set.of("concurrency", "requestsPerMinute", "tokensPerMinute", "maxRetries", "maxFailed",
        "checkpointEvery", "autoBelow"), "online.");
    return new JobSpec.Online(
        (int) problems.range(node, "concurrency", "online.concurrency", 1, 1000, d.concurrency(), "calls in flight at once"),
        (int) problems.range(node, "requestsPerMinute", "online.requestsPerMinute", 0, 1_000_000, d.requestsPerMinute(),
            "0 for no limit; set it to your project's quota"),
        problems.range(node, "tokensPerMinute", "online.tokensPerMinute", 0, 1_000_000_000L, d.tokensPerMinute(),
            "0 for no limit"),
        (int) problems.range(node, "maxRetries", "online.maxRetries", 0, 20, d.maxRetries(),
            "retries of a call that failed with a transient error"),
        problems.range(node, "maxFailed", "online.maxFailed", -1, Long.MAX_VALUE, d.maxFailed(),
            "the run stops once more requests than this failed for good; -1 never stops"),
        (int) problems.range(node, "checkpointEvery", "online.checkpointEvery", 1, 100_000, d.checkpointEvery(),
            "results written to the checkpoint at a time"),
        problems.range(node, "autoBelow", "online.autoBelow", 0, 1_000_000, d.autoBelow(),
            "mode auto sends a round with fewer requests than this online"));
  }
}
