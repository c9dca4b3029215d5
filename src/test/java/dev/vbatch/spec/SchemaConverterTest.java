package dev.vbatch.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.aiplatform.v1.Schema;
import com.google.cloud.aiplatform.v1.Type;
import dev.vbatch.util.Json;
import org.junit.jupiter.api.Test;

class SchemaConverterTest {
  private static SchemaConverter.Result convert(String json) {
    return SchemaConverter.convert(Json.read(json));
  }

  @Test
  void convertsTypesConstraintsAndKeepsPropertyOrder() {
    var r = convert("""
        {"type":"object","required":["b"],"properties":{
          "b":{"type":"integer","minimum":1,"maximum":9,"description":"bee"},
          "a":{"type":"array","items":{"type":"string","enum":["x","y"]},"minItems":1,"maxItems":3},
          "c":{"type":"string","format":"date","pattern":"^2","minLength":2}}}
        """);
    assertThat(r.errors()).isEmpty();
    assertThat(r.warnings()).isEmpty();
    Schema s = r.schema();
    assertThat(s.getType()).isEqualTo(Type.OBJECT);
    assertThat(s.getRequiredList()).containsExactly("b");
    assertThat(s.getPropertyOrderingList()).containsExactly("b", "a", "c");
    Schema b = s.getPropertiesOrThrow("b");
    assertThat(b.getType()).isEqualTo(Type.INTEGER);
    assertThat(b.getMinimum()).isEqualTo(1.0);
    assertThat(b.getMaximum()).isEqualTo(9.0);
    assertThat(b.getDescription()).isEqualTo("bee");
    Schema a = s.getPropertiesOrThrow("a");
    assertThat(a.getItems().getEnumList()).containsExactly("x", "y");
    assertThat(a.getItems().getFormat()).isEqualTo("enum");
    assertThat(a.getMaxItems()).isEqualTo(3);
    assertThat(s.getPropertiesOrThrow("c").getFormat()).isEqualTo("date");
    assertThat(s.getPropertiesOrThrow("c").getPattern()).isEqualTo("^2");
  }

  @Test
  void nullInTypeArraysAndAnyOfBecomesNullable() {
    Schema s = convert("""
        {"type":"object","properties":{
          "a":{"type":["string","null"]},
          "b":{"anyOf":[{"type":"number"},{"type":"null"}]},
          "c":{"type":["string","integer"]}}}
        """).schema();
    assertThat(s.getPropertiesOrThrow("a").getType()).isEqualTo(Type.STRING);
    assertThat(s.getPropertiesOrThrow("a").getNullable()).isTrue();
    assertThat(s.getPropertiesOrThrow("b").getType()).isEqualTo(Type.NUMBER);
    assertThat(s.getPropertiesOrThrow("b").getNullable()).isTrue();
    assertThat(s.getPropertiesOrThrow("c").getAnyOfList()).extracting(Schema::getType).containsExactly(Type.STRING, Type.INTEGER);
  }

  @Test
  void inlinesLocalReferencesWithSiblingDescriptions() {
    var r = convert("""
        {"$defs":{"money":{"type":"number","minimum":0}},
         "type":"object","properties":{"total":{"$ref":"#/$defs/money","description":"due"}}}
        """);
    assertThat(r.errors()).isEmpty();
    Schema total = r.schema().getPropertiesOrThrow("total");
    assertThat(total.getType()).isEqualTo(Type.NUMBER);
    assertThat(total.getDescription()).isEqualTo("due");
    assertThat(SchemaConverter.toJson(r.schema())).doesNotContain("$ref").doesNotContain("defs");
  }

  @Test
  void namesWhatCannotBeConverted() {
    var r = convert("""
        {"type":"object","properties":{
          "x":{"$ref":"https://example.com/s.json"},
          "y":{"type":"date"},
          "z":{},
          "n":{"type":"integer","enum":[1,2],"multipleOf":2},
          "o":{"oneOf":[{"type":"string"},{"type":"integer"}]}}}
        """);
    assertThat(r.errors()).containsExactlyInAnyOrder(
        "schema /properties/x: '$ref' to 'https://example.com/s.json' points outside the schema file; only local references (#/$defs/...) can be inlined",
        "schema /properties/y/type: 'date' is not a JSON Schema type; use string, number, integer, boolean, array, object or null",
        "schema /properties/y: has no 'type'; Vertex needs one of string, number, integer, boolean, array, object",
        "schema /properties/z: has no 'type'; Vertex needs one of string, number, integer, boolean, array, object");
    assertThat(r.warnings()).containsExactlyInAnyOrder(
        "schema /properties/n/enum: Vertex takes only string enums; this enum is not sent and is checked locally",
        "schema /properties/n/multipleOf: 'multipleOf' is not supported by Vertex responseSchema and is not sent; results are still validated against it locally",
        "schema /properties/o/oneOf: 'oneOf' is sent to Vertex as 'anyOf'; exactly-one is checked locally");
  }
}
