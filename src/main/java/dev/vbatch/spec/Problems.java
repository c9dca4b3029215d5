package dev.vbatch.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Collects what is wrong with a spec so every problem is reported at once. Each message starts
 * with the file and the property at fault.
 */
final class Problems {
  private final String file;
  private final List<String> errors = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  /** Put before each property: the step being read ("steps[2] (classify): "), or nothing. */
  private String scope = "";

  Problems(Path file) {
    this.file = file.toString();
  }

  void scope(String scope) {
    this.scope = scope;
  }

  void error(String property, String message) {
    errors.add(file + ": " + scope + "property '" + property + "' " + message);
  }

  void errorInFile(String message) {
    errors.add(file + ": " + message);
  }

  void warn(String property, String message) {
    warnings.add(file + ": " + scope + "property '" + property + "' " + message);
  }

  /** The whole number at {@code parent.key}, checked to lie in [min, max]; {@code dflt} when absent or wrong. */
  long range(JsonNode parent, String key, String property, long min, long max, long dflt, String why) {
    JsonNode v = parent.get(key);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.canConvertToLong() || !v.isIntegralNumber()) {
      error(property, "is '" + v.asText() + "'; it must be a whole number from " + min + " to " + max);
      return dflt;
    }
    long value = v.asLong();
    if (value < min || value > max) {
      error(property, "is " + value + "; allowed " + min + " to " + max + " (" + why + ")");
      return dflt;
    }
    return value;
  }

  /** Names each property of {@code node} not in {@code known}, suggesting the closest known one. */
  void unknownKeys(JsonNode node, Set<String> known, String prefix) {
    if (node == null || !node.isObject()) {
      return;
    }
    node.fieldNames().forEachRemaining(k -> {
      if (!known.contains(k)) {
        String hint = closest(k, known).map(c -> "; did you mean '" + c + "'?").orElse("; allowed: " + String.join(", ", new TreeSet<>(known)));
        error(prefix + k, "is not a known property" + hint);
      }
    });
  }

  private static Optional<String> closest(String word, Set<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(word.toLowerCase(), c.toLowerCase());
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    return bestDistance <= Math.max(2, word.length() / 3) ? Optional.ofNullable(best) : Optional.empty();
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  boolean hasErrors() {
    return !errors.isEmpty();
  }

  List<String> warnings() {
    return warnings;
  }

  void throwIfAny() throws SpecException {
    if (!errors.isEmpty()) {
      throw new SpecException(errors);
    }
  }
}
