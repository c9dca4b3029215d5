package dev.vbatch.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.aiplatform.v1.GenerateContentRequest;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.vbatch.util.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Re-serializes a request the way Vertex echoes it in predictions: snake_case and camelCase keys
 * mixed (by depth), absent part fields written as null, whole numbers without a fraction and floats
 * widened to doubles (0.2 becomes 0.20000000298023224). Map keys (schema properties, labels) keep
 * their spelling.
 */
public final class Echo {
  private static final Set<String> MAPS = Set.of("properties", "labels", "defs");

  private Echo() {}

  public static JsonNode of(GenerateContentRequest request) {
    try {
      JsonNode node = Json.read(JsonFormat.printer().omittingInsignificantWhitespace().print(request));
      return transform(node, 0, false);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode transform(JsonNode node, int depth, boolean mapKeys) {
    if (node.isObject()) {
      ObjectNode out = Json.object();
      List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
      node.fields().forEachRemaining(fields::add);
      for (Map.Entry<String, JsonNode> e : fields) {
        String key = mapKeys || depth % 2 == 0 ? e.getKey() : snake(e.getKey());
        out.set(key, transform(e.getValue(), depth + 1, !mapKeys && MAPS.contains(e.getKey())));
      }
      if (node.has("text") || node.has("fileData")) {
        // A Part: Vertex writes the unset members of its oneof as null.
        for (String member : List.of("text", "file_data", "inline_data")) {
          if (!out.has(member) && !out.has(camel(member))) {
            out.putNull(member);
          }
        }
      }
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = Json.MAPPER.createArrayNode();
      node.forEach(n -> out.add(transform(n, depth + 1, false)));
      return out;
    }
    if (node.isFloatingPointNumber()) {
      double d = node.asDouble();
      if (d == Math.rint(d) && Math.abs(d) < 1e15) {
        return LongNode.valueOf((long) d);
      }
      return DoubleNode.valueOf((double) (float) d);
    }
    return node;
  }

  static String snake(String camel) {
    StringBuilder sb = new StringBuilder();
    for (char c : camel.toCharArray()) {
      if (Character.isUpperCase(c)) {
        sb.append('_').append(Character.toLowerCase(c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  static String camel(String snake) {
    StringBuilder sb = new StringBuilder();
    boolean up = false;
    for (char c : snake.toCharArray()) {
      if (c == '_') {
        up = true;
      } else {
        sb.append(up ? Character.toUpperCase(c) : c);
        up = false;
      }
    }
    return sb.toString();
  }
}
