package dev.vbatch.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.aiplatform.v1.Schema;
import dev.vbatch.request.ImportRules;
import dev.vbatch.util.Json;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Property names of the job's schema that Vertex's input importer refuses as column names ("invoice
 * number", "$id", "1st"): each is sent under a safe name (letters, digits and underscores, not used
 * by any other property of the schema) and put back to the user's name in every answer before it is
 * validated, so the user's schema works unchanged. The mapping is a function of the schema alone.
 */
public final class SafeNames {
  private static final SafeNames NONE = new SafeNames(Map.of());

  /** user's name → name sent. */
  private final Map<String, String> sent;
  /** name sent → user's name. */
  private final Map<String, String> restored;

  private SafeNames(Map<String, String> sent) {
    this.sent = Collections.unmodifiableMap(sent);
    Map<String, String> back = new HashMap<>();
    sent.forEach((user, safe) -> back.put(safe, user));
    this.restored = back;
  }

  /** The safe names for the property names in {@code jsonSchema} (every "properties" object, at any depth). */
  public static SafeNames of(JsonNode jsonSchema) {
    if (jsonSchema == null) {
      return NONE;
    }
    Set<String> names = new TreeSet<>();
    collect(jsonSchema, names);
    Map<String, String> sent = new LinkedHashMap<>();
    Set<String> taken = new TreeSet<>(names);
    for (String name : names) {
      if (!ImportRules.validFieldName(name)) {
        String base = name.replaceAll("[^A-Za-z0-9_]", "_");
        if (base.isEmpty() || !Character.isLetter(base.charAt(0)) && base.charAt(0) != '_') {
          base = "_" + base;
        }
        base = base.length() > 280 ? base.substring(0, 280) : base;
        String safe = base;
        for (int n = 2; taken.contains(safe); n++) {
          safe = base + "_" + n;
        }
        taken.add(safe);
        sent.put(name, safe);
      }
    }
    return sent.isEmpty() ? NONE : new SafeNames(sent);
  }

  private static void collect(JsonNode node, Set<String> into) {
    if (node.isObject()) {
      node.fields().forEachRemaining(f -> {
        if (f.getKey().equals("properties") && f.getValue().isObject()) {
          f.getValue().fieldNames().forEachRemaining(into::add);
        }
        collect(f.getValue(), into);
      });
    } else if (node.isArray()) {
      node.forEach(n -> collect(n, into));
    }
  }

  /** user's name → name sent, for each name that had to change. */
  public Map<String, String> renamed() {
    return sent;
  }

  /** The Vertex schema with each refused property name replaced by its safe name. */
  public Schema apply(Schema schema) {
    if (sent.isEmpty()) {
      return schema;
    }
    Schema.Builder b = schema.toBuilder();
    b.clearProperties();
    schema.getPropertiesMap().forEach((name, child) -> b.putProperties(sent.getOrDefault(name, name), apply(child)));
    b.clearRequired();
    schema.getRequiredList().forEach(name -> b.addRequired(sent.getOrDefault(name, name)));
    b.clearPropertyOrdering();
    schema.getPropertyOrderingList().forEach(name -> b.addPropertyOrdering(sent.getOrDefault(name, name)));
    if (schema.hasItems()) {
      b.setItems(apply(schema.getItems()));
    }
    b.clearAnyOf();
    schema.getAnyOfList().forEach(s -> b.addAnyOf(apply(s)));
    return b.build();
  }

  /** {@code answer} with each safe name put back to the user's. */
  public JsonNode restore(JsonNode answer) {
    if (restored.isEmpty() || answer == null) {
      return answer;
    }
    if (answer.isObject()) {
      ObjectNode out = Json.object();
      answer.fields().forEachRemaining(f -> out.set(restored.getOrDefault(f.getKey(), f.getKey()), restore(f.getValue())));
      return out;
    }
    if (answer.isArray()) {
      var out = Json.MAPPER.createArrayNode();
      answer.forEach(n -> out.add(restore(n)));
      return out;
    }
    return answer;
  }
}
