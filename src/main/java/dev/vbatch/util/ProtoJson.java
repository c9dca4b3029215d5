package dev.vbatch.util;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
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

  private ProtoJson() {}

  /** Merges {@code node} (a JSON object) into {@code builder}. */
  public static void merge(JsonNode node, Message.Builder builder) throws InvalidProtocolBufferException {
    try {
      mergeObject(node, builder);
    } catch (RuntimeException e) {
      throw new InvalidProtocolBufferException(e.getMessage() == null ? e.toString() : e.getMessage());
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
