package dev.vbatch.spec;

import java.util.Optional;

/**
 * Reads and checks where results go besides the output directory (a BigQuery table, a gs:// prefix),
 * and the BigQuery dataset requests are staged in instead of JSONL files.
 */
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
    Optional<String[]> parts = BigQueryNames.table(value.get());
    if (parts.isEmpty()) {
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
    return Optional.of(BigQueryNames.qualified(parts.get(), parts.get().length == 3, project));
  }

  /**
   * stagingDataset: [PROJECT.]DATASET, qualified with the spec's project. Each shard's requests are
   * loaded into a table there and Vertex writes its predictions to another; the dataset must be in
   * the job's region, which global is not.
   */
  Optional<String> dataset(Optional<String> value, Optional<String> project, String location) {
    if (value.isEmpty()) {
      return value;
    }
    Optional<String[]> parts = BigQueryNames.dataset(value.get());
    if (parts.isEmpty()) {
      problems.error("stagingDataset", "is '" + value.get() + "'; give DATASET or PROJECT.DATASET");
      return Optional.empty();
    }
    if (backend != JobSpec.Backend.VERTEX) {
      problems.error("stagingDataset", "needs backend: vertex; the emulator backend stages requests as JSONL files");
    }
    if (location.equals("global")) {
      problems.error("stagingDataset", "cannot be used with location: global; Vertex AI reads and writes BigQuery only from "
          + "a regional endpoint, so give the job the dataset's region (such as us-central1)");
    }
    return Optional.of(BigQueryNames.qualified(parts.get(), parts.get().length == 2, project));
  }

  /** Where results go and in which formats besides results.jsonl. */
  record Output(java.util.Optional<java.nio.file.Path> path, java.util.List<String> formats) {}

  /**
   * output: a directory, or a mapping {path: DIR, formats: [jsonl, json, csv, files]}; the path is
   * relative to the spec's folder.
   */
  Output output(com.fasterxml.jackson.databind.JsonNode node, java.nio.file.Path dir) {
    java.util.List<String> formats = java.util.List.of("jsonl");
    if (node == null || node.isNull()) {
      return new Output(Optional.empty(), formats);
    }
    if (node.isValueNode()) {
      return new Output(Optional.of(dir.resolve(node.asText().trim()).normalize()), formats);
    }
    if (!node.isObject()) {
      problems.error("output", "must be a directory, or a mapping with 'path' and 'formats'");
      return new Output(Optional.empty(), formats);
    }
    problems.unknownKeys(node, java.util.Set.of("path", "formats"), "output.");
    Optional<java.nio.file.Path> path = node.hasNonNull("path") && node.get("path").isValueNode()
        ? Optional.of(dir.resolve(node.get("path").asText().trim()).normalize()) : Optional.empty();
    JsonNodeList list = JsonNodeList.of(node.get("formats"));
    if (list.bad()) {
      problems.error("output.formats", "must be a list such as [jsonl, csv, files]");
    } else if (list.values() != null) {
      java.util.List<String> chosen = new java.util.ArrayList<>();
      for (String f : list.values()) {
        if (!dev.vbatch.results.ResultFormats.KNOWN.contains(f)) {
          problems.error("output.formats", "names '" + f + "'; use any of " + String.join(", ",
              dev.vbatch.results.ResultFormats.KNOWN) + " (results.jsonl is always written)");
        } else if (!chosen.contains(f)) {
          chosen.add(f);
        }
      }
      if (!chosen.contains("jsonl")) {
        chosen.add(0, "jsonl");
      }
      formats = java.util.List.copyOf(chosen);
    }
    return new Output(path, formats);
  }

  /** A YAML list of words: its values, null when absent, bad when it is something else. */
  private record JsonNodeList(java.util.List<String> values, boolean bad) {
    static JsonNodeList of(com.fasterxml.jackson.databind.JsonNode node) {
      if (node == null || node.isNull()) {
        return new JsonNodeList(null, false);
      }
      if (!node.isArray()) {
        return new JsonNodeList(null, true);
      }
      java.util.List<String> out = new java.util.ArrayList<>();
      node.forEach(n -> out.add(n.asText().trim()));
      return new JsonNodeList(out, false);
    }
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
