package dev.vbatch.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vbatch.request.ImportRules;
import dev.vbatch.util.Json;
import org.junit.jupiter.api.Test;

/** Property names Vertex's importer refuses are sent under safe names and answers mapped back. */
class SafeNamesTest {
  static final String SCHEMA = "{\"type\":\"object\",\"required\":[\"invoice number\",\"$id\"],\"properties\":{"
      + "\"invoice number\":{\"type\":\"string\"},\"invoice_number\":{\"type\":\"string\"},\"$id\":{\"type\":\"integer\"},"
      + "\"lines\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"1st item\":{\"type\":\"string\"}}}}}}";

  @Test
  void refusedNamesAreSentSafeAndComeBackAsTheUserWroteThem() {
    SchemaConverter.Result converted = SchemaConverter.convert(Json.read(SCHEMA));
    String sent = SchemaConverter.toJson(converted.schema());
    // "invoice_number" is the user's own property, so the space one takes the next free name.
    assertThat(sent).contains("\"invoice_number_2\"").contains("\"_id\"").contains("\"_1st_item\"")
        .doesNotContain("invoice number").doesNotContain("$id").doesNotContain("1st item");
    assertThat(converted.schema().getRequiredList()).containsExactly("invoice_number_2", "_id");
    assertThat(converted.warnings()).anyMatch(w -> w.contains("'invoice number'") && w.contains("'invoice_number_2'"));
    converted.schema().getPropertiesMap().keySet().forEach(k -> assertThat(ImportRules.validFieldName(k)).isTrue());

    ResultSchema schema = new ResultSchema(Json.read(SCHEMA));
    var answer = Json.read("{\"invoice_number_2\":\"A-1\",\"invoice_number\":\"B-2\",\"_id\":7,\"lines\":[{\"_1st_item\":\"x\"}]}");
    var restored = schema.restoreNames(answer);
    assertThat(restored.toString())
        .isEqualTo("{\"invoice number\":\"A-1\",\"invoice_number\":\"B-2\",\"$id\":7,\"lines\":[{\"1st item\":\"x\"}]}");
    assertThat(schema.validate(restored)).isEmpty();
  }

  @Test
  void aSchemaWithSafeNamesIsSentUnchanged() {
    String plain = "{\"type\":\"object\",\"properties\":{\"total\":{\"type\":\"number\"}}}";
    assertThat(SafeNames.of(Json.read(plain)).renamed()).isEmpty();
    var answer = Json.read("{\"total\":1}");
    assertThat(new ResultSchema(Json.read(plain)).restoreNames(answer)).isSameAs(answer);
  }
}
