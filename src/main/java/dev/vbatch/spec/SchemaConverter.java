package dev.vbatch.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.aiplatform.v1.Schema;
import com.google.cloud.aiplatform.v1.Type;
import com.google.protobuf.util.JsonFormat;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converts a JSON Schema into Vertex's responseSchema (the OpenAPI subset in {@code Schema}).
 * References are inlined; keywords Vertex cannot take are dropped with a warning naming their JSON
 * pointer. The original schema stays the one results are validated against, so a dropped keyword
 * still holds locally.
 */
public final class SchemaConverter {
  /** The outcome: the converted schema, and what was dropped or could not be converted. */
  public record Result(Schema schema, List<String> warnings, List<String> errors) {}

  private static final Set<String> IGNORED =
      Set.of("$schema", "$id", "$comment", "$defs", "definitions", "$anchor", "examples", "readOnly",
          "writeOnly", "deprecated");
  private static final Set<String> LOCAL_ONLY =
      Set.of("additionalProperties", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
          "uniqueItems", "allOf", "not", "if", "then", "else", "patternProperties",
          "dependentRequired", "dependentSchemas", "contains", "minContains", "maxContains",
          "prefixItems", "unevaluatedProperties", "unevaluatedItems", "propertyNames", "contentEncoding",
          "contentMediaType");

  private final JsonNode root;
  private final List<String> warnings = new ArrayList<>();
  private final List<String> errors = new ArrayList<>();
  private final Deque<String> refStack = new ArrayDeque<>();

  private SchemaConverter(JsonNode root) {
    this.root = root;
  }

  public static Result convert(JsonNode jsonSchema) {
    SchemaConverter c = new SchemaConverter(jsonSchema);
    SafeNames safe = SafeNames.of(jsonSchema);
    Schema schema = safe.apply(c.convert(jsonSchema, ""));
    safe.renamed().forEach((user, sent) -> c.warnings.add("property '" + user + "' is not a name Vertex's input importer"
        + " accepts; it is sent as '" + sent + "' and answers are mapped back to '" + user + "'"));
    return new Result(schema, List.copyOf(c.warnings), List.copyOf(c.errors));
  }

  /** The converted schema as Vertex's JSON (camelCase), for display and tests. */
  public static String toJson(Schema schema) {
    try {
      return JsonFormat.printer().omittingInsignificantWhitespace().print(schema);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  private Schema convert(JsonNode node, String pointer) {
    Schema.Builder b = Schema.newBuilder();
    if (node.isBoolean()) {
      errors.add(at(pointer) + "is the boolean schema '" + node + "'; Vertex needs an object with a 'type'");
      return b.build();
    }
    if (!node.isObject()) {
      errors.add(at(pointer) + "is not a schema object");
      return b.build();
    }
    if (node.has("$ref")) {
      return inlineRef(node, pointer);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      JsonNode value = e.getValue();
      String here = pointer + "/" + escape(key);
      switch (key) {
        case "type" -> applyType(b, value, pointer);
        case "format" -> b.setFormat(value.asText());
        case "title" -> b.setTitle(value.asText());
        case "description" -> b.setDescription(value.asText());
        case "nullable" -> b.setNullable(value.asBoolean());
        case "items" -> b.setItems(convert(value, here));
        case "minItems" -> b.setMinItems(value.asLong());
        case "maxItems" -> b.setMaxItems(value.asLong());
        case "minProperties" -> b.setMinProperties(value.asLong());
        case "maxProperties" -> b.setMaxProperties(value.asLong());
        case "minimum" -> b.setMinimum(value.asDouble());
        case "maximum" -> b.setMaximum(value.asDouble());
        case "minLength" -> b.setMinLength(value.asLong());
        case "maxLength" -> b.setMaxLength(value.asLong());
        case "pattern" -> b.setPattern(value.asText());
        case "required" -> value.forEach(r -> b.addRequired(r.asText()));
        case "propertyOrdering" -> value.forEach(r -> b.addPropertyOrdering(r.asText()));
        case "enum" -> applyEnum(b, value, here);
        case "const" -> applyEnum(b, Json.arrayOf(value), here);
        case "default" -> b.setDefault(toValue(value));
        case "example" -> b.setExample(toValue(value));
        case "properties" ->
            value.fields().forEachRemaining(
                p -> b.putProperties(p.getKey(), convert(p.getValue(), here + "/" + escape(p.getKey()))));
        case "anyOf", "oneOf" -> {
          if (key.equals("oneOf")) {
            warnings.add(at(here) + "'oneOf' is sent to Vertex as 'anyOf'; exactly-one is checked locally");
          }
          applyAnyOf(b, value, here);
        }
        default -> {
          if (LOCAL_ONLY.contains(key)) {
            warnings.add(at(here) + "'" + key + "' is not supported by Vertex responseSchema and is not sent;"
                + " results are still validated against it locally");
          } else if (!IGNORED.contains(key)) {
            warnings.add(at(here) + "unknown keyword '" + key + "' is ignored");
          }
        }
      }
    }
    if (b.getType() == Type.TYPE_UNSPECIFIED && b.getAnyOfCount() == 0) {
      if (b.getPropertiesCount() > 0) {
        b.setType(Type.OBJECT);
      } else if (b.hasItems()) {
        b.setType(Type.ARRAY);
      } else if (b.getEnumCount() > 0) {
        b.setType(Type.STRING);
      } else {
        errors.add(at(pointer) + "has no 'type'; Vertex needs one of string, number, integer, boolean, array, object");
      }
    }
    if (b.getType() == Type.OBJECT && b.getPropertiesCount() > 0 && b.getPropertyOrderingCount() == 0) {
      // Keeps the model's output in the order the user wrote the properties.
      node.path("properties").fieldNames().forEachRemaining(b::addPropertyOrdering);
    }
    return b.build();
  }

  private Schema inlineRef(JsonNode node, String pointer) {
    String ref = node.get("$ref").asText();
    if (!ref.startsWith("#")) {
      errors.add(at(pointer) + "'$ref' to '" + ref + "' points outside the schema file; only local references (#/$defs/...) can be inlined");
      return Schema.getDefaultInstance();
    }
    if (refStack.contains(ref)) {
      errors.add(at(pointer) + "'$ref' to '" + ref + "' is recursive; Vertex responseSchema cannot express recursion, so it cannot be inlined");
      return Schema.getDefaultInstance();
    }
    JsonNode target = root.at(ref.substring(1));
    if (target.isMissingNode()) {
      errors.add(at(pointer) + "'$ref' to '" + ref + "' does not resolve to anything in the schema");
      return Schema.getDefaultInstance();
    }
    refStack.push(ref);
    try {
      Schema resolved = convert(target, ref.substring(1));
      if (node.size() > 1) {
        // Siblings of $ref (description, nullable) refine the referenced schema.
        com.fasterxml.jackson.databind.node.ObjectNode siblings = node.deepCopy();
        siblings.remove("$ref");
        Schema extra = convert(withType(siblings, resolved), pointer);
        return resolved.toBuilder().mergeFrom(extra).build();
      }
      return resolved;
    } finally {
      refStack.pop();
    }
  }

  private static JsonNode withType(com.fasterxml.jackson.databind.node.ObjectNode siblings, Schema resolved) {
    if (!siblings.has("type") && resolved.getType() != Type.TYPE_UNSPECIFIED) {
      siblings.put("type", resolved.getType().name().toLowerCase());
    }
    return siblings;
  }

  private void applyType(Schema.Builder b, JsonNode value, String pointer) {
    List<String> types = new ArrayList<>();
    if (value.isArray()) {
      value.forEach(t -> types.add(t.asText()));
    } else {
      types.add(value.asText());
    }
    if (types.remove("null")) {
      b.setNullable(true);
    }
    if (types.size() == 1) {
      Type t = typeOf(types.get(0), pointer);
      if (t != null) {
        b.setType(t);
      }
    } else if (types.size() > 1) {
      for (String name : types) {
        Type t = typeOf(name, pointer);
        if (t != null) {
          b.addAnyOf(Schema.newBuilder().setType(t));
        }
      }
    }
  }

  private Type typeOf(String name, String pointer) {
    return switch (name) {
      case "string" -> Type.STRING;
      case "number" -> Type.NUMBER;
      case "integer" -> Type.INTEGER;
      case "boolean" -> Type.BOOLEAN;
      case "array" -> Type.ARRAY;
      case "object" -> Type.OBJECT;
      default -> {
        errors.add(at(pointer + "/type") + "'" + name + "' is not a JSON Schema type; use string, number, integer, boolean, array, object or null");
        yield null;
      }
    };
  }

  private void applyEnum(Schema.Builder b, JsonNode values, String pointer) {
    boolean allStrings = true;
    for (JsonNode v : values) {
      if (v.isNull()) {
        b.setNullable(true);
      } else if (v.isTextual()) {
        b.addEnum(v.asText());
      } else {
        allStrings = false;
      }
    }
    if (!allStrings) {
      b.clearEnum();
      warnings.add(at(pointer) + "Vertex takes only string enums; this enum is not sent and is checked locally");
    } else if (b.getEnumCount() > 0) {
      b.setFormat("enum");
    }
  }

  private void applyAnyOf(Schema.Builder b, JsonNode options, String pointer) {
    int i = 0;
    for (JsonNode option : options) {
      String here = pointer + "/" + i++;
      if (option.path("type").asText().equals("null") && option.size() == 1) {
        b.setNullable(true);
      } else {
        b.addAnyOf(convert(option, here));
      }
    }
    if (b.getAnyOfCount() == 1) {
      // anyOf [X, null] is simply a nullable X.
      Schema only = b.getAnyOf(0);
      b.clearAnyOf();
      boolean nullable = b.getNullable();
      b.mergeFrom(only);
      b.setNullable(nullable || only.getNullable());
    }
  }

  private static com.google.protobuf.Value toValue(JsonNode node) {
    com.google.protobuf.Value.Builder v = com.google.protobuf.Value.newBuilder();
    try {
      JsonFormat.parser().merge(node.toString(), v);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
    return v.build();
  }

  private static String at(String pointer) {
    return "schema " + (pointer.isEmpty() ? "root" : pointer) + ": ";
  }

  private static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  /** Small JSON helpers local to the converter. */
  private static final class Json {
    static JsonNode arrayOf(JsonNode v) {
      return dev.vbatch.util.Json.MAPPER.createArrayNode().add(v);
    }
  }
}
