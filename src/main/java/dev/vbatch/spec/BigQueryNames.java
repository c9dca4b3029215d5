package dev.vbatch.spec;

import java.util.Optional;

/**
 * BigQuery names as specs write them, [PROJECT.]DATASET.TABLE and [PROJECT.]DATASET (PROJECT:DATASET
 * also accepted), checked against BigQuery's naming rules.
 */
final class BigQueryNames {
  private static final String PROJECT = "[A-Za-z0-9_-]+";
  private static final String DATASET = "[A-Za-z0-9_]{1,1024}";
  private static final String TABLE = "[\\p{L}\\p{N}_-]{1,1024}";

  private BigQueryNames() {}

  /** The parts of a table name, [PROJECT,] DATASET, TABLE; empty when it is not one. */
  static Optional<String[]> table(String value) {
    String[] parts = parts(value);
    int n = parts.length;
    boolean named = (n == 2 || (n == 3 && parts[0].matches(PROJECT))) && parts[n - 2].matches(DATASET) && parts[n - 1].matches(TABLE);
    return named ? Optional.of(parts) : Optional.empty();
  }

  /** The parts of a dataset name, [PROJECT,] DATASET; empty when it is not one. */
  static Optional<String[]> dataset(String value) {
    String[] parts = parts(value);
    int n = parts.length;
    boolean named = (n == 1 || (n == 2 && parts[0].matches(PROJECT))) && parts[n - 1].matches(DATASET);
    return named ? Optional.of(parts) : Optional.empty();
  }

  /** The name with {@code project} in front when its parts do not start with one. */
  static String qualified(String[] parts, boolean hasProject, Optional<String> project) {
    return (hasProject ? "" : project.orElse("") + ".") + String.join(".", parts);
  }

  private static String[] parts(String value) {
    return value.trim().replace(':', '.').split("\\.", -1);
  }
}
