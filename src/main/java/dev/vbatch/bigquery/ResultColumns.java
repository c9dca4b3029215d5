package dev.vbatch.bigquery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.LegacySQLTypeName;
import com.google.cloud.bigquery.Schema;
import dev.vbatch.util.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The columns of a results table: fixed ones that every run has, then one typed column per scalar
 * top-level property of the result schema (string, integer, number, boolean), so analysts can
 * query {@code SELECT total FROM ...}; the whole result is in {@code data}, a JSON column, for
 * everything else.
 */
final class ResultColumns {
  static final Set<String> FIXED = Set.of("run_id", "source", "request_key", "status", "error_reason", "error_message",
      "attempts", "reused", "total_tokens", "data");

  private final Map<String, LegacySQLTypeName> typed = new LinkedHashMap<>();

  ResultColumns(JsonNode schema) {
    JsonNode props = schema.path("properties");
    for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      LegacySQLTypeName type = type(e.getValue());
      if (type != null && name.matches("[A-Za-z_][A-Za-z0-9_]{0,299}") && !FIXED.contains(name.toLowerCase())) {
        typed.put(name, type);
      }
    }
  }

  /** A property's column type, or null when it is not a scalar (it stays in data only). */
  private static LegacySQLTypeName type(JsonNode property) {
    String t = null;
    JsonNode type = property.path("type");
    if (type.isTextual()) {
      t = type.asText();
    } else if (type.isArray()) {
      for (JsonNode x : type) {
        if (!x.asText().equals("null")) {
          t = t == null ? x.asText() : "mixed";
        }
      }
    }
    if (t == null) {
      return null;
    }
    return switch (t) {
      case "string" -> LegacySQLTypeName.STRING;
      case "integer" -> LegacySQLTypeName.INTEGER;
      case "number" -> LegacySQLTypeName.FLOAT;
      case "boolean" -> LegacySQLTypeName.BOOLEAN;
      default -> null;
    };
  }

  Schema schema() {
    List<Field> fields = new ArrayList<>();
    fields.add(required("run_id", LegacySQLTypeName.STRING));
    fields.add(required("source", LegacySQLTypeName.STRING));
    fields.add(Field.of("request_key", LegacySQLTypeName.STRING));
    fields.add(required("status", LegacySQLTypeName.STRING));
    fields.add(Field.of("error_reason", LegacySQLTypeName.STRING));
    fields.add(Field.of("error_message", LegacySQLTypeName.STRING));
    fields.add(Field.of("attempts", LegacySQLTypeName.INTEGER));
    fields.add(Field.of("reused", LegacySQLTypeName.BOOLEAN));
    fields.add(Field.of("total_tokens", LegacySQLTypeName.INTEGER));
    fields.add(Field.of("data", LegacySQLTypeName.JSON));
    typed.forEach((name, type) -> fields.add(Field.of(name, type)));
    return Schema.of(fields);
  }

  private static Field required(String name, LegacySQLTypeName type) {
    return Field.newBuilder(name, type).setMode(Field.Mode.REQUIRED).build();
  }

  /** One results.jsonl line as a row; a typed value of the wrong kind is left null rather than failing the load. */
  ObjectNode row(String runId, JsonNode line) {
    ObjectNode row = Json.object();
    row.put("run_id", runId);
    row.put("source", line.path("source").asText());
    if (line.hasNonNull("key")) {
      row.put("request_key", line.path("key").asText());
    }
    row.put("status", line.path("status").asText());
    JsonNode error = line.path("error");
    if (error.isObject()) {
      row.put("error_reason", error.path("reason").asText());
      row.put("error_message", error.path("message").asText());
    }
    row.put("attempts", line.path("attempts").asInt());
    row.put("reused", line.path("reused").asBoolean(false));
    if (line.path("usage").isObject()) {
      row.put("total_tokens", line.path("usage").path("totalTokens").asLong());
    }
    JsonNode data = line.path("data");
    if (data.isMissingNode() || data.isNull()) {
      return row;
    }
    row.set("data", data);
    typed.forEach((name, type) -> {
      JsonNode v = data.path(name);
      boolean fits = type == LegacySQLTypeName.STRING ? v.isTextual()
          : type == LegacySQLTypeName.INTEGER ? v.isIntegralNumber()
          : type == LegacySQLTypeName.FLOAT ? v.isNumber()
          : v.isBoolean();
      if (fits) {
        row.set(name, v);
      }
    });
    return row;
  }
}
