package dev.vbatch.results;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What became of one request: succeeded with validated data, or failed with a reason code and a
 * message a person can act on. Skipped items never reach a request and get their outcome from the
 * plan.
 */
public record Outcome(Status status, JsonNode data, String reason, String message, Usage usage) {
  /** The three ends an item can come to. */
  public enum Status {
    SUCCEEDED,
    FAILED,
    SKIPPED;

    public String label() {
      return name().toLowerCase();
    }
  }

  public static Outcome succeeded(JsonNode data, Usage usage) {
    return new Outcome(Status.SUCCEEDED, data, null, null, usage);
  }

  public static Outcome failed(String reason, String message, Usage usage) {
    return new Outcome(Status.FAILED, null, reason, message, usage);
  }

  public static Outcome skipped(String reason, String message) {
    return new Outcome(Status.SKIPPED, null, reason, message, Usage.NONE);
  }
}
