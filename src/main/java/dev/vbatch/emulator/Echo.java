package dev.vbatch.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.aiplatform.v1.GenerateContentRequest;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.vbatch.util.Json;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Re-serializes a line the way Vertex echoes it in predictions (VERTEX.md, from published real
 * output): keys keep the sender's spelling and are sorted at every level, a whole float comes back
 * as an integer (1.0 as 1) while other numbers stay as sent, explicit nulls are kept, and a part gets
 * a null for each key that another part in the same file has. A line's sibling keys are echoed with
 * numeric-looking strings coerced to numbers ("000000" becomes 0), as the importer does.
 */
public final class Echo {
  private static final Pattern NUMERIC = Pattern.compile("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?");

  private Echo() {}

  /** The echo of a request built in code, as if it had been sent in protobuf's camelCase JSON. */
  public static JsonNode of(GenerateContentRequest request) {
    try {
      JsonNode sent = Json.read(JsonFormat.printer().omittingInsignificantWhitespace().print(request));
      return request(sent, partKeys(sent));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The echo of a request as sent; {@code partKeys} are the keys any part in the file has. */
  public static JsonNode request(JsonNode sent, Set<String> partKeys) {
    return transform(sent, partKeys, false);
  }

  /** A sibling value of {@code request} on an input line, as the importer stores it. */
  public static JsonNode sibling(JsonNode value) {
    if (value.isTextual() && NUMERIC.matcher(value.asText()).matches()) {
      BigDecimal d = new BigDecimal(value.asText());
      try {
        return LongNode.valueOf(d.longValueExact());
      } catch (ArithmeticException notWhole) {
        return Json.MAPPER.getNodeFactory().numberNode(d.doubleValue());
      }
    }
    return transform(value, Set.of(), false);
  }

  /** Adds to {@code into} the keys of every part in {@code request} (contents and system instruction). */
  public static Set<String> partKeys(JsonNode request) {
    Set<String> keys = new TreeSet<>();
    addPartKeys(request, keys);
    return keys;
  }

  static void addPartKeys(JsonNode node, Set<String> into) {
    if (node.isObject()) {
      node.fields().forEachRemaining(f -> {
        if (f.getKey().equals("parts") && f.getValue().isArray()) {
          f.getValue().forEach(part -> part.fieldNames().forEachRemaining(into::add));
        }
        addPartKeys(f.getValue(), into);
      });
    } else if (node.isArray()) {
      node.forEach(n -> addPartKeys(n, into));
    }
  }

  private static JsonNode transform(JsonNode node, Set<String> partKeys, boolean isPart) {
    if (node.isObject()) {
      List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
      node.fields().forEachRemaining(fields::add);
      Set<String> names = new TreeSet<>();
      fields.forEach(f -> names.add(f.getKey()));
      if (isPart) {
        names.addAll(partKeys);
      }
      ObjectNode out = Json.object();
      for (String name : names) {
        JsonNode value = node.get(name);
        if (value == null) {
          out.putNull(name);
        } else if (name.equals("parts") && value.isArray()) {
          ArrayNode parts = Json.MAPPER.createArrayNode();
          value.forEach(p -> parts.add(transform(p, partKeys, p.isObject())));
          out.set(name, parts);
        } else {
          out.set(name, transform(value, partKeys, false));
        }
      }
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = Json.MAPPER.createArrayNode();
      node.forEach(n -> out.add(transform(n, partKeys, false)));
      return out;
    }
    if (node.isFloatingPointNumber()) {
      double d = node.asDouble();
      if (d == Math.rint(d) && Math.abs(d) < 1e15) {
        return LongNode.valueOf((long) d);
      }
    }
    return node;
  }

  /** Keys sorted at every level, as Vertex writes the rest of a line (the response) too. */
  public static JsonNode sorted(JsonNode node) {
    return transform(node, Collections.emptySet(), false);
  }
}
