package dev.vbatch.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.aiplatform.v1.Content;
import com.google.cloud.aiplatform.v1.FileData;
import com.google.cloud.aiplatform.v1.GenerateContentRequest;
import com.google.cloud.aiplatform.v1.GenerationConfig;
import com.google.cloud.aiplatform.v1.Part;
import com.google.cloud.aiplatform.v1.Schema;
import com.google.cloud.aiplatform.v1.Type;
import dev.vbatch.request.RequestKey;
import dev.vbatch.util.Json;
import org.junit.jupiter.api.Test;

/** The request key survives the way Vertex re-serializes the request it echoes. */
class EchoKeyTest {
  static GenerateContentRequest request(String text) {
    return GenerateContentRequest.newBuilder()
        .addContents(Content.newBuilder().setRole("user")
            .addParts(Part.newBuilder().setFileData(FileData.newBuilder().setMimeType("application/pdf").setFileUri("gs://b/files/abc.pdf")))
            .addParts(Part.newBuilder().setText(text)))
        .setGenerationConfig(GenerationConfig.newBuilder().setTemperature(0.2f).setTopP(1.0f).setMaxOutputTokens(100)
            .setResponseMimeType("application/json")
            .setResponseSchema(Schema.newBuilder().setType(Type.OBJECT)
                .putProperties("invoice_number", Schema.newBuilder().setType(Type.STRING).build())
                .putProperties("totalAmount", Schema.newBuilder().setType(Type.NUMBER).setMinimum(1.0).build())))
        .build();
  }

  @Test
  void theEmulatorsEchoLooksLikeVertexsAndKeepsTheKey() throws Exception {
    GenerateContentRequest r = request("Read it");
    JsonNode echo = Echo.of(r);
    String text = echo.toString();
    // The sender's spelling, keys sorted at every level, 1.0 as 1, floats as sent, and a part's null
    // only for a key its sibling part has (VERTEX.md, from published real output).
    assertThat(text).isEqualTo("{\"contents\":[{\"parts\":[{\"fileData\":{\"fileUri\":\"gs://b/files/abc.pdf\","
        + "\"mimeType\":\"application/pdf\"},\"text\":null},{\"fileData\":null,\"text\":\"Read it\"}],\"role\":\"user\"}],"
        + "\"generationConfig\":{\"maxOutputTokens\":100,\"responseMimeType\":\"application/json\",\"responseSchema\":"
        + "{\"properties\":{\"invoice_number\":{\"type\":\"STRING\"},\"totalAmount\":{\"minimum\":1,\"type\":\"NUMBER\"}},"
        + "\"type\":\"OBJECT\"},\"temperature\":0.2,\"topP\":1}}");
    assertThat(RequestKey.ofEcho(echo)).isEqualTo(RequestKey.of(r));
  }

  @Test
  void handWrittenVariantsOfTheSameRequestShareItsKey() throws Exception {
    GenerateContentRequest r = request("Read it");
    String camel = RequestKey.toJson(r);
    String variant = camel.replace("\"generationConfig\"", "\"generation_config\"").replace("\"maxOutputTokens\":100", "\"max_output_tokens\":100.0")
        .replace("\"role\":\"user\"", "\"role\":\"user\",\"unknownNewField\":{\"x\":1}")
        .replace("{\"text\":\"Read it\"}", "{\"text\":\"Read it\",\"file_data\":null,\"thought\":null}");
    assertThat(variant).isNotEqualTo(camel);
    assertThat(RequestKey.ofEcho(Json.read(variant))).isEqualTo(RequestKey.of(r));
  }

  @Test
  void differentRequestsHaveDifferentKeys() {
    assertThat(RequestKey.of(request("a"))).isNotEqualTo(RequestKey.of(request("b")));
    assertThat(RequestKey.of(request("a"))).hasSize(32).matches("[0-9a-f]+");
  }
}
