package dev.vbatch.request;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rules of the BigQuery-style importer through which Vertex reads a JSONL input file: it infers
 * one column type per key path over the whole file, and the job fails before any prediction when a
 * line breaks them (VERTEX.md: nesting deeper than 15, a key that is not a valid column name, a path
 * holding different shapes, an empty object, a null inside an array). One instance checks one file;
 * the emulator applies it to fail a job as Vertex would, and {@code plan} applies it to refuse a shard
 * before it is paid for. Messages are Vertex's.
 */
public final class ImportRules {
  /** The prefix of every import failure Vertex reports (job error code 3). */
  public static final String FAILED =
      "Failed to import data. Please check 'Prepare input' section of the batch predictions documentation.";
  /** BigQuery's deepest allowed nesting of records. */
  public static final int MAX_DEPTH = 15;
  private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,299}");

  /** The first broken rule: what the importer says, and the key path it is about. */
  public record Violation(String path, String message, String advice) {
    /** The whole job error text, as Vertex words it. */
    public String jobError() {
      return FAILED + " " + message;
    }
  }

  private enum Shape {
    OBJECT,
    ARRAY,
    SCALAR
  }

  private final Map<String, Shape> shapes = new HashMap<>();

  /** Checks one more line (the whole line object) of the file; the first violation, if any. */
  public Optional<Violation> check(JsonNode line) {
    int depth = depth(line) - 1;
    if (depth > MAX_DEPTH) {
      return Optional.of(new Violation(deepest(line, ""), "Schema nested too deeply, at least " + depth
          + " compared to the maximum allowed level of " + MAX_DEPTH + ".", "flatten the response schema: the request"
          + " and its generationConfig.responseSchema take 3 levels and each nested object property 2 more; the"
          + " deepest path is " + deepest(line, "")));
    }
    var fields = line.fields();
    while (fields.hasNext()) {
      var f = fields.next();
      Optional<Violation> v = visit(f.getKey(), f.getKey(), f.getKey(), f.getValue(), false);
      if (v.isPresent()) {
        return v;
      }
    }
    return Optional.empty();
  }

  /** Whether {@code name} is a key the importer takes as a column name. */
  public static boolean validFieldName(String name) {
    return FIELD_NAME.matcher(name).matches();
  }

  /** {@code shapeKey} is the path, with "[]" for each array passed through: elements have a shape of their own. */
  private Optional<Violation> visit(String path, String shapeKey, String name, JsonNode node, boolean inArray) {
    if (!validFieldName(name)) {
      return Optional.of(new Violation(path, "Invalid field name \"" + name + "\". Fields must contain only letters,"
          + " numbers, and underscores, start with a letter or underscore, and be at most 300 characters long.",
          "rename the key '" + name + "' at " + path + " to letters, digits and underscores"));
    }
    if (node.isNull()) {
      return inArray ? Optional.of(new Violation(path, "Only optional fields can be set to NULL. Field: " + path + ".",
          "remove the null from the list at " + path)) : Optional.empty();
    }
    Shape shape = node.isObject() ? Shape.OBJECT : node.isArray() ? Shape.ARRAY : Shape.SCALAR;
    Shape before = shapes.putIfAbsent(shapeKey, shape);
    if (before != null && before != shape) {
      return Optional.of(new Violation(path, conflict(before, shape, path), "give " + path
          + " the same shape (object, list or value) in every request of the job"));
    }
    if (node.isArray()) {
      for (JsonNode element : node) {
        if (element.isArray()) {
          return Optional.of(new Violation(path, "Nested arrays are not allowed. Field: " + path + ".",
              "replace the list of lists at " + path + " with a list of objects"));
        }
        Optional<Violation> v = visit(path, shapeKey + "[]", name, element, true);
        if (v.isPresent()) {
          return v;
        }
      }
      return Optional.empty();
    }
    if (node.isObject()) {
      if (node.isEmpty()) {
        return Optional.of(new Violation(path, "Cannot store struct '" + path + "' with no fields.",
            "give " + path + " at least one field, or leave it out"));
      }
      var fields = node.fields();
      while (fields.hasNext()) {
        var f = fields.next();
        Optional<Violation> v = visit(path + "." + f.getKey(), shapeKey + "." + f.getKey(), f.getKey(), f.getValue(), false);
        if (v.isPresent()) {
          return v;
        }
      }
    }
    return Optional.empty();
  }

  private static String conflict(Shape before, Shape now, String path) {
    if (before == Shape.ARRAY) {
      return "Repeated field must be imported as a JSON array. Field: " + path + ".";
    }
    if (now == Shape.ARRAY) {
      return "Array specified for non-repeated field: " + path + ".";
    }
    return now == Shape.OBJECT ? "JSON object specified for non-record field: " + path + "."
        : "JSON parsing error: a scalar value where a record was found before. Field: " + path + ".";
  }

  /** The path to the deepest object under {@code node}. */
  private static String deepest(JsonNode node, String path) {
    String best = path;
    int bestDepth = -1;
    var fields = node.fields();
    while (fields.hasNext()) {
      var f = fields.next();
      JsonNode child = f.getValue();
      while (child.isArray() && !child.isEmpty()) {
        child = child.get(0);
      }
      int d = depth(child);
      if (d > bestDepth && child.isObject()) {
        bestDepth = d;
        best = deepest(child, path.isEmpty() ? f.getKey() : path + "." + f.getKey());
      }
    }
    return best;
  }

  /** Records nest one level per object; an array is its elements' level. */
  private static int depth(JsonNode node) {
    int inner = 0;
    for (JsonNode child : node) {
      inner = Math.max(inner, depth(child));
    }
    return node.isObject() ? 1 + inner : inner;
  }
}
