package dev.vbatch.results;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What became of one request: succeeded with validated data, or failed with a reason code and a
 * message a person can act on. Skipped items never reach a request and get their outcome from the
 * plan.
 */
public record Outcome(Status status, JsonNode data, String reason, String message, Usage usage, String answer) {
  /** How much of the model's raw answer a failure keeps, so a person can read why it failed. */
  public static final int ANSWER_KEPT = 4096;

  public Outcome(Status status, JsonNode data, String reason, String message, Usage usage) {
    this(status, data, reason, message, usage, null);
  }

  /** This failure with the model's raw answer (cut at {@link #ANSWER_KEPT} characters). */
  public Outcome withAnswer(String raw) {
    String kept = raw == null || raw.length() <= ANSWER_KEPT ? raw : raw.substring(0, ANSWER_KEPT) + "…";
    return new Outcome(status, data, reason, message, usage, kept);
  }

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
