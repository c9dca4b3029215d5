package dev.vbatch.spec;

import java.util.Optional;

/** Reads and checks where results go besides the output directory: a BigQuery table, a gs:// prefix. */
final class ResultsReader {
  private final Problems problems;
  private final JobSpec.Backend backend;

  ResultsReader(Problems problems, JobSpec.Backend backend) {
    this.problems = problems;
    this.backend = backend;
  }

  /**
   * resultsTable: [PROJECT.]DATASET.TABLE, qualified with the spec's project. BigQuery loads the
   * results from the staging bucket, so it needs the vertex backend and a regional location.
   */
  Optional<String> table(Optional<String> value, Optional<String> project, String location) {
    if (value.isEmpty()) {
      return value;
    }
    String table = value.get().trim().replace(':', '.');
    String[] parts = table.split("\\.");
    boolean named = (parts.length == 2 || parts.length == 3)
        && parts[parts.length - 2].matches("[A-Za-z0-9_]{1,1024}") && parts[parts.length - 1].matches("[\\p{L}\\p{N}_-]{1,1024}");
    if (!named) {
      problems.error("resultsTable", "is '" + value.get() + "'; give DATASET.TABLE or PROJECT.DATASET.TABLE");
      return Optional.empty();
    }
    if (backend != JobSpec.Backend.VERTEX) {
      problems.error("resultsTable", "needs backend: vertex; BigQuery loads the results from the Cloud Storage staging prefix "
          + "(the emulator backend writes files only)");
    }
    if (location.equals("global")) {
      problems.error("resultsTable", "cannot be used with location: global; BigQuery datasets live in a region, so give the "
          + "job the dataset's region (such as us-central1)");
    }
    return Optional.of(parts.length == 3 ? table : project.orElse("") + "." + table);
  }

  /** resultsUri: gs://BUCKET/PREFIX, ending in '/'; each run's files go under PREFIX/RUN_ID/. */
  Optional<String> uri(Optional<String> value) {
    Optional<String> resultsUri = value.map(u -> u.endsWith("/") ? u : u + "/");
    if (resultsUri.isPresent() && !resultsUri.get().matches("gs://[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]/.*")) {
      problems.error("resultsUri", "is '" + resultsUri.get() + "'; give gs://BUCKET/PREFIX (each run's results.jsonl, "
          + "failures.jsonl and summary.json go under PREFIX/RUN_ID/)");
    } else if (resultsUri.isPresent() && backend != JobSpec.Backend.VERTEX) {
      problems.error("resultsUri", "needs backend: vertex (the emulator backend writes results to the output directory only)");
    }
    return resultsUri;
  }
}
