package dev.vbatch.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.aiplatform.v1.Content;
import com.google.cloud.aiplatform.v1.FileData;
import com.google.cloud.aiplatform.v1.GenerateContentRequest;
import com.google.cloud.aiplatform.v1.GenerateContentResponse;
import com.google.cloud.aiplatform.v1.GenerationConfig;
import com.google.cloud.aiplatform.v1.HarmCategory;
import com.google.cloud.aiplatform.v1.Part;
import com.google.cloud.aiplatform.v1.SafetySetting;
import com.google.cloud.aiplatform.v1.Schema;
import com.google.cloud.aiplatform.v1.Type;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.vbatch.emulator.Echo;
import dev.vbatch.request.RequestKey;
import org.junit.jupiter.api.Test;

/** ProtoJson reads what JsonFormat reads, to the same message. */
class ProtoJsonTest {
  private static <T extends Message.Builder> T viaJsonFormat(JsonNode node, T builder) throws InvalidProtocolBufferException {
    JsonFormat.parser().ignoringUnknownFields().merge(withoutNulls(node).toString(), builder);
    return builder;
  }

  /** JsonFormat rejects a null beside a set member of the same oneof; null means absent anyway. */
  private static JsonNode withoutNulls(JsonNode node) {
    if (node.isObject()) {
      com.fasterxml.jackson.databind.node.ObjectNode copy = Json.object();
      node.fields().forEachRemaining(e -> {
        if (!e.getValue().isNull()) {
          copy.set(e.getKey(), withoutNulls(e.getValue()));
        }
      });
      return copy;
    }
    if (node.isArray()) {
      com.fasterxml.jackson.databind.node.ArrayNode copy = Json.MAPPER.createArrayNode();
      node.forEach(n -> copy.add(withoutNulls(n)));
      return copy;
    }
    return node;
  }

  /** Reads with the tree reader, and checks the streaming reader (twice: the second time from its cache) reads the same. */
  @SuppressWarnings("unchecked")
  private static <T extends Message.Builder> T viaProtoJson(JsonNode node, T builder) throws Exception {
    Message.Builder streamed = builder.clone();
    ProtoJson.merge(node, builder);
    byte[] text = ("{\"pad\":[1,2],\"x\":" + Json.write(node) + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (int i = 0; i < 2; i++) {
      Message.Builder b = streamed.clone();
      try (com.fasterxml.jackson.core.JsonParser p = Json.MAPPER.createParser(text)) {
        p.nextToken();
        p.nextToken();
        p.nextToken();
        p.skipChildren();
        p.nextToken();
        p.nextToken();
        ProtoJson.merge(p, text, b);
        assertThat(p.currentToken()).isEqualTo(com.fasterxml.jackson.core.JsonToken.END_OBJECT);
        assertThat(p.nextToken()).isEqualTo(com.fasterxml.jackson.core.JsonToken.END_OBJECT);
      }
      assertThat(b.build()).isEqualTo(builder.build());
    }
    return builder;
  }

  @Test
  void anEchoedRequestReadsBackToTheRequestAsJsonFormatReadsIt() throws Exception {
    GenerateContentRequest request = GenerateContentRequest.newBuilder()
        .setSystemInstruction(Content.newBuilder().addParts(Part.newBuilder().setText("system")))
        .addContents(Content.newBuilder().setRole("user")
            .addParts(Part.newBuilder().setText("Extract: ünïcode \"quoted\""))
            .addParts(Part.newBuilder().setFileData(FileData.newBuilder().setMimeType("application/pdf").setFileUri("gs://b/f.pdf"))))
        .setGenerationConfig(GenerationConfig.newBuilder().setTemperature(0.1f).setTopP(0.95f).setMaxOutputTokens(2048)
            .setSeed(7).setResponseMimeType("application/json").addStopSequences("END")
            .setThinkingConfig(GenerationConfig.ThinkingConfig.newBuilder().setThinkingBudget(0))
            .setResponseSchema(Schema.newBuilder().setType(Type.OBJECT)
                .putProperties("total", Schema.newBuilder().setType(Type.NUMBER).setNullable(true).build())
                .putProperties("items", Schema.newBuilder().setType(Type.ARRAY).setItems(Schema.newBuilder().setType(Type.STRING)).build())
                .addRequired("total").addPropertyOrdering("total").addPropertyOrdering("items")))
        .addSafetySettings(SafetySetting.newBuilder().setCategory(HarmCategory.HARM_CATEGORY_DANGEROUS_CONTENT)
            .setThreshold(SafetySetting.HarmBlockThreshold.BLOCK_ONLY_HIGH))
        .putLabels("team", "finance")
        .build();
    JsonNode echo = Echo.of(request);
    GenerateContentRequest fast = viaProtoJson(echo, GenerateContentRequest.newBuilder()).build();
    assertThat(fast).isEqualTo(viaJsonFormat(echo, GenerateContentRequest.newBuilder()).build());
    assertThat(RequestKey.of(fast)).isEqualTo(RequestKey.of(request));
  }

  @Test
  void aResponseWithTimestampsUnknownFieldsAndUnknownEnumValuesReadsAsJsonFormatReadsIt() throws Exception {
    JsonNode response = Json.read("{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"{}\",\"thought\":null}]},"
        + "\"finishReason\":\"STOP\",\"avgLogprobs\":-0.25,\"safetyRatings\":[{\"category\":\"HARM_CATEGORY_HATE_SPEECH\","
        + "\"probability\":\"NEGLIGIBLE\",\"probabilityScore\":\"0.5\",\"blocked\":\"false\"}],\"newField\":{\"a\":1}}],"
        + "\"usage_metadata\":{\"promptTokenCount\":\"60\",\"candidates_token_count\":40,\"totalTokenCount\":100.0,"
        + "\"promptTokensDetails\":[{\"modality\":\"SOMETHING_NEW\",\"tokenCount\":60}]},"
        + "\"modelVersion\":\"gemini-2.5-flash\",\"createTime\":\"2026-11-21T03:00:00.123456Z\",\"responseId\":\"x\"}");
    GenerateContentResponse fast = viaProtoJson(response, GenerateContentResponse.newBuilder()).build();
    assertThat(fast).isEqualTo(viaJsonFormat(response, GenerateContentResponse.newBuilder()).build());
    assertThat(fast.getUsageMetadata().getPromptTokenCount()).isEqualTo(60);
    assertThat(fast.getCreateTime().getNanos()).isEqualTo(123_456_000);
  }

  @Test
  void timestampsReadAsJsonFormatReadsThem() throws Exception {
    for (String t : new String[] {"2026-11-21T03:00:00Z", "2026-11-21T03:00:00.123456789Z", "2026-11-21T04:00:00.5+01:00",
        "1969-12-31T23:59:59.25Z"}) {
      assertThat(ProtoJson.timestamp(t)).as(t).isEqualTo(com.google.protobuf.util.Timestamps.parse(t));
    }
    assertThatThrownBy(() -> ProtoJson.timestamp("yesterday")).isInstanceOf(InvalidProtocolBufferException.class);
  }

  @Test
  void aValueOfTheWrongKindIsAnError() {
    assertThatThrownBy(() -> ProtoJson.merge(Json.read("{\"modelVersion\":{\"a\":1}}"), GenerateContentResponse.newBuilder()))
        .isInstanceOf(InvalidProtocolBufferException.class).hasMessageContaining("expected a string");
    assertThatThrownBy(() -> ProtoJson.merge(Json.read("{\"usageMetadata\":{\"totalTokenCount\":1.5}}"), GenerateContentResponse.newBuilder()))
        .isInstanceOf(InvalidProtocolBufferException.class);
  }
}
