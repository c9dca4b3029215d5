package dev.vbatch.run;

import dev.vbatch.results.Usage;
import java.util.BitSet;

/**
 * What reading a round's predictions came to: the ids of the keys that got an outcome, how many of
 * them succeeded, lines read, lines whose key is unknown or unreadable, and keys that came back more
 * than once. Usage counts each distinct request once, as it is billed.
 */
public record Collected(BitSet answered, long succeeded, long lines, long unmatched, long duplicates, Usage usage) {}
