package dev.vbatch.util;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads a Jackson tree into a protobuf message the way {@code JsonFormat.parser().ignoringUnknownFields()}
 * does, without printing the tree to text and parsing it again: field names in proto or JSON
 * spelling, nulls as absent, unknown fields and enum values ignored, numbers from numbers or
 * strings. Well-known types (google.protobuf.*) are handed to JsonFormat. Predictions files hold
 * a million echoed requests and responses; this is the merge's hot path.
 */
public final class ProtoJson {
  private static final JsonFormat.Parser FALLBACK = JsonFormat.parser().ignoringUnknownFields();
  private static final Map<Descriptor, Map<String, FieldDescriptor>> NAMES = new ConcurrentHashMap<>();

  /**
   * Fields whose value is the same on every request of a job (generation settings with the response
   * schema, system instruction, tools, safety settings): each thread keeps the messages it read for
   * them by their JSON, so a million echoes build them once, and their serialized size is computed
   * once.
   */
  private static final java.util.Set<String> SHARED =
      java.util.Set.of("generation_config", "system_instruction", "tools", "tool_config", "safety_settings");
  private static final int SHARED_MAX = 64;
  private static final ThreadLocal<Map<Shared, Message>> SHARED_CACHE = ThreadLocal.withInitial(HashMap::new);

  /** A shared value by its message type and its JSON (a tree, or the bytes of its text). */
  private record Shared(Descriptor type, Object json) {}

  private ProtoJson() {}

  /** Merges {@code node} (a JSON object) into {@code builder}. */
  public static void merge(JsonNode node, Message.Builder builder) throws InvalidProtocolBufferException {
    try {
      mergeObject(node, builder);
    } catch (RuntimeException e) {
      throw new InvalidProtocolBufferException(e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  /**
   * Merges the JSON object at the parser's current token (START_OBJECT) into {@code builder},
   * reading tokens as they come instead of building a tree, and leaves the parser on the object's
   * END_OBJECT. {@code source} is the whole input the parser reads (from offset 0): values of the
   * shared fields are looked up by their bytes in it, so a job's repeated settings are only skipped
   * over, not read again.
   */
  public static void merge(JsonParser parser, byte[] source, Message.Builder builder) throws IOException {
    try {
      mergeObject(parser, source, builder);
    } catch (RuntimeException e) {
      throw new InvalidProtocolBufferException(e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  private static void mergeObject(JsonParser p, byte[] source, Message.Builder builder) throws IOException {
    Descriptor type = builder.getDescriptorForType();
    if (type.getFile().getPackage().equals("google.protobuf")) {
      if (type.equals(com.google.protobuf.Timestamp.getDescriptor()) && p.currentToken() == JsonToken.VALUE_STRING) {
        builder.mergeFrom(timestamp(p.getText()));
        return;
      }
      FALLBACK.merge(Json.MAPPER.readTree(p).toString(), builder);
      return;
    }
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new InvalidProtocolBufferException("expected an object for " + type.getFullName() + ", got " + p.currentToken());
    }
    Map<String, FieldDescriptor> names = NAMES.computeIfAbsent(type, ProtoJson::names);
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      FieldDescriptor field = names.get(p.currentName());
      JsonToken t = p.nextToken();
      if (field == null || t == JsonToken.VALUE_NULL) {
        p.skipChildren();
        continue;
      }
      if (field.isMapField()) {
        if (t != JsonToken.START_OBJECT) {
          throw new InvalidProtocolBufferException("expected an object for " + field.getFullName());
        }
        Descriptor entry = field.getMessageType();
        FieldDescriptor k = entry.findFieldByNumber(1);
        FieldDescriptor v = entry.findFieldByNumber(2);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          p.nextToken();
          Message.Builder eb = builder.newBuilderForField(field);
          eb.setField(k, scalar(k, com.fasterxml.jackson.databind.node.TextNode.valueOf(key)));
          Object mapped = p.currentToken() == JsonToken.VALUE_NULL ? null : value(v, p, source, eb);
          if (mapped != null) {
            eb.setField(v, mapped);
          }
          builder.addRepeatedField(field, eb.build());
        }
      } else if (field.isRepeated()) {
        if (t != JsonToken.START_ARRAY) {
          throw new InvalidProtocolBufferException("expected an array for " + field.getFullName());
        }
        while (p.nextToken() != JsonToken.END_ARRAY) {
          Object v = p.currentToken() == JsonToken.VALUE_NULL ? null : value(field, p, source, builder);
          if (v != null) {
            builder.addRepeatedField(field, v);
          }
        }
      } else {
        Object v = value(field, p, source, builder);
        if (v != null) {
          builder.setField(field, v);
        }
      }
    }
  }

  private static Object value(FieldDescriptor field, JsonParser p, byte[] source, Message.Builder parent) throws IOException {
    if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
      if (p.currentToken().isStructStart()) {
        throw new IllegalArgumentException("expected a value for " + field.getFullName() + ", got " + p.currentToken());
      }
      return scalar(field, Json.MAPPER.readTree(p));
    }
    if (source != null && SHARED.contains(field.getName()) && p.currentToken() == JsonToken.START_OBJECT) {
      int start = (int) p.currentTokenLocation().getByteOffset();
      p.skipChildren();
      int end = (int) p.currentLocation().getByteOffset();
      if (start >= 0 && end > start && end <= source.length) {
        Map<Shared, Message> cache = SHARED_CACHE.get();
        Shared key = new Shared(field.getMessageType(), new Bytes(java.util.Arrays.copyOfRange(source, start, end)));
        Message known = cache.get(key);
        if (known == null) {
          Message.Builder sub = parent.newBuilderForField(field);
          mergeObject(Json.MAPPER.readTree(source, start, end - start), sub);
          known = sub.build();
          if (cache.size() >= SHARED_MAX) {
            cache.clear();
          }
          cache.put(key, known);
        }
        return known;
      }
      throw new IllegalStateException("the parser reports no byte offsets for " + field.getFullName());
    }
    Message.Builder sub = parent.newBuilderForField(field);
    mergeObject(p, source, sub);
    return sub.build();
  }

  /**
   * An RFC 3339 time as a Timestamp, as JsonFormat reads it ("2026-11-21T03:00:00.123456Z", or with
   * an offset), without JsonFormat's SimpleDateFormat: every response carries one.
   */
  static com.google.protobuf.Timestamp timestamp(String text) throws InvalidProtocolBufferException {
    try {
      java.time.Instant t = java.time.OffsetDateTime.parse(text).toInstant();
      return com.google.protobuf.Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    } catch (java.time.format.DateTimeParseException e) {
      throw new InvalidProtocolBufferException("not an RFC 3339 timestamp: " + text);
    }
  }

  /** Bytes compared by content, as a cache key. */
  private record Bytes(byte[] value) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Bytes b && java.util.Arrays.equals(value, b.value);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(value);
    }
  }

  private static void mergeObject(JsonNode node, Message.Builder builder) throws InvalidProtocolBufferException {
    Descriptor type = builder.getDescriptorForType();
    if (type.getFile().getPackage().equals("google.protobuf")) {
      FALLBACK.merge(node.toString(), builder);
      return;
    }
    if (!node.isObject()) {
      throw new InvalidProtocolBufferException("expected an object for " + type.getFullName() + ", got " + node.getNodeType());
    }
    Map<String, FieldDescriptor> names = NAMES.computeIfAbsent(type, ProtoJson::names);
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode value = e.getValue();
      FieldDescriptor field = names.get(e.getKey());
      if (field == null || value.isNull()) {
        continue;
      }
      if (field.isMapField()) {
        Descriptor entry = field.getMessageType();
        FieldDescriptor k = entry.findFieldByNumber(1);
        FieldDescriptor v = entry.findFieldByNumber(2);
        for (Iterator<Map.Entry<String, JsonNode>> m = value.fields(); m.hasNext(); ) {
          Map.Entry<String, JsonNode> kv = m.next();
          Message.Builder eb = builder.newBuilderForField(field);
          eb.setField(k, scalar(k, com.fasterxml.jackson.databind.node.TextNode.valueOf(kv.getKey())));
          Object mapped = value(v, kv.getValue(), eb);
          if (mapped != null) {
            eb.setField(v, mapped);
          }
          builder.addRepeatedField(field, eb.build());
        }
      } else if (field.isRepeated()) {
        if (!value.isArray()) {
          throw new InvalidProtocolBufferException("expected an array for " + field.getFullName());
        }
        for (JsonNode element : value) {
          Object v = element.isNull() ? null : value(field, element, builder);
          if (v != null) {
            builder.addRepeatedField(field, v);
          }
        }
      } else {
        Object v = value(field, value, builder);
        if (v != null) {
          builder.setField(field, v);
        }
      }
    }
  }

  private static Object value(FieldDescriptor field, JsonNode node, Message.Builder parent) throws InvalidProtocolBufferException {
    if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && SHARED.contains(field.getName()) && node.isObject()) {
      Map<Shared, Message> cache = SHARED_CACHE.get();
      Shared key = new Shared(field.getMessageType(), node);
      Message known = cache.get(key);
      if (known == null) {
        Message.Builder sub = parent.newBuilderForField(field);
        mergeObject(node, sub);
        known = sub.build();
        if (cache.size() >= SHARED_MAX) {
          cache.clear();
        }
        cache.put(key, known);
      }
      return known;
    }
    if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
      Message.Builder sub = parent.newBuilderForField(field);
      mergeObject(node, sub);
      return sub.build();
    }
    return scalar(field, node);
  }

  private static Object scalar(FieldDescriptor field, JsonNode node) {
    switch (field.getJavaType()) {
      case STRING:
        if (!node.isTextual()) {
          throw new IllegalArgumentException("expected a string for " + field.getFullName() + ", got " + node);
        }
        return node.textValue();
      case BOOLEAN:
        if (node.isBoolean()) {
          return node.booleanValue();
        }
        if (node.isTextual() && (node.textValue().equals("true") || node.textValue().equals("false"))) {
          return Boolean.parseBoolean(node.textValue());
        }
        throw new IllegalArgumentException("expected a boolean for " + field.getFullName() + ", got " + node);
      case INT:
        return node.isInt() ? node.intValue() : new BigDecimal(node.asText()).intValueExact();
      case LONG:
        return node.isIntegralNumber() && node.canConvertToLong() ? node.longValue() : new BigDecimal(node.asText()).longValueExact();
      case FLOAT: {
        double d = node.isNumber() ? node.doubleValue() : Double.parseDouble(node.asText());
        if (!Double.isNaN(d) && !Double.isInfinite(d) && Math.abs(d) > Float.MAX_VALUE * (1.0 + 1e-6)) {
          throw new IllegalArgumentException("out of range for a float: " + node);
        }
        return (float) d;
      }
      case DOUBLE:
        return node.isNumber() ? node.doubleValue() : Double.parseDouble(node.asText());
      case BYTE_STRING: {
        String s = node.asText();
        try {
          return ByteString.copyFrom(Base64.getDecoder().decode(s));
        } catch (IllegalArgumentException e) {
          return ByteString.copyFrom(Base64.getUrlDecoder().decode(s));
        }
      }
      case ENUM: {
        EnumValueDescriptor v = node.isNumber() ? field.getEnumType().findValueByNumber(node.intValue())
            : field.getEnumType().findValueByName(node.asText());
        return v; // an unknown value is ignored, as JsonFormat does when ignoring unknown fields
      }
      default:
        throw new IllegalArgumentException("cannot read " + field.getFullName());
    }
  }

  private static Map<String, FieldDescriptor> names(Descriptor type) {
    Map<String, FieldDescriptor> names = new HashMap<>();
    for (FieldDescriptor f : type.getFields()) {
      names.put(f.getName(), f);
      names.put(f.getJsonName(), f);
    }
    return names;
  }
}
