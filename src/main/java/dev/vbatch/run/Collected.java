package dev.vbatch.run;

import dev.vbatch.results.Outcome;
import dev.vbatch.results.Usage;
import java.util.Map;

/**
 * Outcomes read back from predictions, by request key, with what did not fit: lines whose key is
 * unknown or unreadable, and keys that came back more than once. Usage counts each distinct
 * request once, as it is billed.
 */
public record Collected(Map<String, Outcome> byKey, long lines, long unmatched, long duplicates, Usage usage) {}
