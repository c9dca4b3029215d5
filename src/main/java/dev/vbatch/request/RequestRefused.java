package dev.vbatch.request;

/**
 * A request that Vertex would accept at create and then fail the whole job over when it imports
 * the input, after the job waited in the queue: found before anything is sent, so nothing is paid
 * for. It names the item, the key path and what to change.
 */
public final class RequestRefused extends IllegalArgumentException {
  public RequestRefused(String source, ImportRules.Violation v) {
    super("the request for " + source + " would fail the whole batch job when Vertex imports its input"
        + " (after the job waited in the queue): " + v.message() + " Fix: " + v.advice() + ". Nothing was submitted.");
  }
}
