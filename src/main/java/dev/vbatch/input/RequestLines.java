package dev.vbatch.input;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.aiplatform.v1.GenerateContentRequest;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.vbatch.util.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The items of a request file (input.requests), one per line, as Google's batch docs and notebooks
 * write them: {"request": GenerateContentRequest}, in snake_case or camelCase. The line's other
 * fields are the item's variables; an "id" (or "key") among them is its source. A line that is not
 * such a request is a skipped item that names its file and line, so nothing is lost silently.
 */
final class RequestLines {
  private static final JsonFormat.Parser STRICT = JsonFormat.parser();

  private RequestLines() {}

  static List<PlannedItem> read(String pattern, RemoteObjects cloud) throws IOException {
    List<PlannedItem> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (String file : pattern.startsWith("gs://") ? objects(pattern, cloud) : files(Path.of(pattern))) {
      String name = file.substring(file.lastIndexOf('/') + 1);
      try (BufferedReader reader = file.startsWith("gs://")
          ? new BufferedReader(new java.io.InputStreamReader(cloud.open(file), java.nio.charset.StandardCharsets.UTF_8))
          : Files.newBufferedReader(Path.of(file))) {
        String text;
        long line = 0;
        while ((text = reader.readLine()) != null) {
          line++;
          if (!text.isBlank()) {
            out.add(item(name, line, text, ids));
          }
        }
      }
    }
    return out;
  }

  private static PlannedItem item(String file, long line, String text, Set<String> ids) {
    String where = file + " line " + line;
    String fallback = file + ":" + line;
    Item bad = new Item(fallback, Map.of("item.id", fallback), Optional.empty(), Optional.empty());
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return PlannedItem.skipped(bad, "invalid-request", where + ": " + Discovery.jsonProblem(e));
    }
    if (!node.isObject() || !node.path("request").isObject()) {
      return PlannedItem.skipped(bad, "invalid-request", where + ": has no \"request\" object; each line must be "
          + "{\"request\": {\"contents\": [...]}} as Vertex batch prediction reads it");
    }
    GenerateContentRequest.Builder request = GenerateContentRequest.newBuilder();
    try {
      STRICT.merge(node.get("request").toString(), request);
    } catch (InvalidProtocolBufferException e) {
      return PlannedItem.skipped(bad, "invalid-request", where + ": \"request\" is not a GenerateContentRequest ("
          + e.getMessage().replaceAll("\\s+", " ") + ")");
    }
    if (request.getContentsCount() == 0) {
      return PlannedItem.skipped(bad, "invalid-request", where + ": \"request\" has no contents; there is nothing to send");
    }
    Map<String, String> vars = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> {
      if (!e.getKey().equals("request")) {
        vars.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString());
      }
    });
    String id = Optional.ofNullable(vars.get("id")).or(() -> Optional.ofNullable(vars.get("key")))
        .filter(s -> !s.isBlank()).orElse(fallback);
    vars.put("item.id", id);
    Item item = Item.ofRequest(id, Map.copyOf(vars), request.clearModel().build());
    if (!ids.add(id)) {
      return PlannedItem.skipped(item, "duplicate-id", where + ": id '" + id + "' was already used by an earlier line");
    }
    return new PlannedItem(item, Optional.empty(), Optional.empty());
  }

  /** The object, or the objects under the glob's fixed prefix that it matches, in name order. */
  private static List<String> objects(String pattern, RemoteObjects cloud) throws IOException {
    int wild = pattern.replaceAll("[*?\\[].*$", "").length();
    if (wild == pattern.length()) {
      return List.of(pattern);
    }
    String prefix = pattern.substring(0, pattern.lastIndexOf('/', wild) + 1);
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern.substring(prefix.length()));
    return cloud.list(prefix).stream().map(RemoteObject::uri)
        .filter(u -> matcher.matches(Path.of(u.substring(prefix.length())))).toList();
  }

  /** The file, or the files a glob matches, in name order. */
  private static List<String> files(Path pattern) throws IOException {
    String text = pattern.toString();
    if (!(text.contains("*") || text.contains("?") || text.contains("["))) {
      return List.of(text);
    }
    Path root = pattern;
    while (root.getParent() != null && root.toString().matches(".*[*?\\[].*")) {
      root = root.getParent();
    }
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + text);
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).filter(matcher::matches).sorted().map(Path::toString).toList();
    }
  }
}
