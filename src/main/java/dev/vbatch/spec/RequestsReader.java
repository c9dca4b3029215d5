package dev.vbatch.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Optional;

/**
 * input.requests: a file, or a glob of files, local (relative to the spec) or gs://, of
 * {"request": GenerateContentRequest} lines. A glob is kept as it is and matched when the run looks
 * for items.
 */
final class RequestsReader {
  private RequestsReader() {}

  static Optional<String> read(JsonNode node, Path dir, Problems problems) {
    if (!node.isTextual() || node.asText().isBlank()) {
      problems.error("input.requests", "must be the path of a JSONL file of {\"request\": {...}} lines (or a glob of them)");
      return Optional.empty();
    }
    String text = node.asText().trim();
    boolean glob = text.contains("*") || text.contains("?") || text.contains("[");
    if (text.startsWith("gs://")) {
      if (!text.matches("gs://[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]/.+")) {
        problems.error("input.requests", "is '" + text + "'; give gs://BUCKET/PATH of a request file (or a glob of them)");
        return Optional.empty();
      }
      return Optional.of(text);
    }
    Path path = dir.resolve(text).normalize();
    if (!glob && !java.nio.file.Files.isRegularFile(path)) {
      problems.error("input.requests", "names " + path + ", which " + (java.nio.file.Files.exists(path) ? "is not a file"
          : "does not exist") + " (paths are relative to " + dir + ")");
      return Optional.empty();
    }
    return Optional.of(path.toString());
  }
}
