package dev.vbatch.results;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vbatch.run.BatchRun;
import dev.vbatch.spec.ResultSchema;
import dev.vbatch.util.Json;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Lines in the real format of Vertex's predictions (VERTEX.md: keys sorted, the sender's spelling,
 * part-level nulls, failed rows with Vertex's status text), one per case the decoder must read: a
 * line in, the exact outcome out.
 */
class RealLinesTest {
  static final ResultSchema SCHEMA = new ResultSchema(Json.read("{\"type\":\"object\",\"properties\":{"
      + "\"invoice number\":{\"type\":\"string\"},\"total\":{\"type\":\"number\",\"multipleOf\":7}},\"required\":[\"total\"]}"));
  final PredictionDecoder decoder = new PredictionDecoder(SCHEMA, 0);

  static final String REQUEST = "{\"contents\":[{\"parts\":[{\"file_data\":{\"file_uri\":\"gs://b/files/a.pdf\","
      + "\"mime_type\":\"application/pdf\"},\"text\":null},{\"file_data\":null,\"text\":\"Extract.\"}],\"role\":\"user\"}],"
      + "\"generation_config\":{\"response_mime_type\":\"application/json\",\"temperature\":1}}";
  static final String USAGE = "\"usageMetadata\":{\"candidatesTokenCount\":9,\"promptTokenCount\":300,"
      + "\"promptTokensDetails\":[{\"modality\":\"TEXT\",\"tokenCount\":42},{\"modality\":\"DOCUMENT\",\"tokenCount\":258}],"
      + "\"thoughtsTokenCount\":20,\"totalTokenCount\":329,\"trafficType\":\"ON_DEMAND\"}";

  static String ok(String candidate, String usage) {
    return "{\"status\":\"\",\"processed_time\":\"2026-09-02T10:11:12.345+00:00\",\"request\":" + REQUEST
        + ",\"response\":{\"candidates\":[" + candidate + "],\"createTime\":\"2026-09-02T10:11:10.000123Z\","
        + "\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"abcDEF123_-xyzABCdef12\"," + usage + "}}";
  }

  static String answer(String finish, String... parts) {
    StringBuilder p = new StringBuilder();
    for (String part : parts) {
      p.append(p.length() == 0 ? "" : ",").append(part);
    }
    return "{\"avgLogprobs\":-0.21,\"content\":{\"parts\":[" + p + "],\"role\":\"model\"},\"finishReason\":\"" + finish + "\"}";
  }

  static String text(String t) {
    return Json.write(java.util.Map.of("text", t));
  }

  static String failed(String status, String responseField) {
    return "{\"status\":" + Json.write(status) + ",\"processed_time\":\"2026-09-02T10:11:12.345+00:00\",\"request\":"
        + REQUEST + responseField + "}";
  }

  static final String BAD_ROLE = "Bad Request: {\"error\": {\"code\": 400, \"message\": \"Please use a valid role: user, "
      + "model.\", \"status\": \"INVALID_ARGUMENT\"}}";
  static final String QUOTA = "Too Many Requests: {\"error\": {\"code\": 429, \"message\": \"Resource exhausted.\", "
      + "\"status\": \"RESOURCE_EXHAUSTED\"}}";

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("a success in the real format", ok(answer("STOP", text("{\"total\": 14}")), USAGE),
            "succeeded", null, "{\"total\":14}"),
        Arguments.of("thought parts before the answer", ok(answer("STOP",
            "{\"text\":\"**Thinking**\",\"thought\":true}", text("{\"total\": 7}")), USAGE), "succeeded", null, "{\"total\":7}"),
        Arguments.of("an answer split over parts", ok(answer("STOP", text("{\"tot"), text("al\": 21}")), USAGE),
            "succeeded", null, "{\"total\":21}"),
        Arguments.of("an answer in a json fence", ok(answer("STOP", text("```json\n{\"total\": 28}\n```")), USAGE),
            "succeeded", null, "{\"total\":28}"),
        Arguments.of("a safe name mapped back", ok(answer("STOP", text("{\"invoice_number\": \"A-1\", \"total\": 7}")), USAGE),
            "succeeded", null, "{\"invoice number\":\"A-1\",\"total\":7}"),
        Arguments.of("STOP with one empty text part", ok(answer("STOP", text("")), USAGE),
            "failed", "empty-response", "the response has no text (finishReason STOP)"),
        Arguments.of("IMAGE_SAFETY, newer than the proto", ok("{\"finishReason\":\"IMAGE_SAFETY\"}", USAGE),
            "failed", "blocked", "the response was blocked (finishReason IMAGE_SAFETY); review the input or generation.safety"),
        Arguments.of("PROHIBITED_CONTENT", ok("{\"finishReason\":\"PROHIBITED_CONTENT\"}", USAGE),
            "failed", "blocked", "the response was blocked (finishReason PROHIBITED_CONTENT); review the input or generation.safety"),
        Arguments.of("MODEL_ARMOR", ok("{\"finishReason\":\"MODEL_ARMOR\"}", USAGE),
            "failed", "blocked", "the response was blocked (finishReason MODEL_ARMOR); review the input or generation.safety"),
        Arguments.of("a prompt block with no candidates", "{\"status\":\"\",\"processed_time\":\"2026-09-02T10:11:12.345+00:00\","
            + "\"request\":" + REQUEST + ",\"response\":{\"promptFeedback\":{\"blockReason\":\"PROHIBITED_CONTENT\"},"
            + "\"usageMetadata\":{\"promptTokenCount\":300,\"totalTokenCount\":300}}}",
            "failed", "blocked", "the prompt was blocked (PROHIBITED_CONTENT); review the input or generation.safety"),
        Arguments.of("an unknown finishReason", ok("{\"finishReason\":\"SOMETHING_NEW\"}", USAGE),
            "failed", "empty-response", "the response has no text (finishReason SOMETHING_NEW, a reason vbatch does not know)"),
        Arguments.of("a 400 row", failed(BAD_ROLE, ""), "failed", "request-invalid",
            "Vertex refused the request (400 INVALID_ARGUMENT): Please use a valid role: user, model.; it fails the same way"
                + " each time it is sent, so it is not retried: fix the request (prompt, files, generation settings)"),
        Arguments.of("a 400 row with response null", failed(BAD_ROLE, ",\"response\":null"), "failed", "request-invalid", null),
        Arguments.of("a 400 row with response {}", failed(BAD_ROLE, ",\"response\":{}"), "failed", "request-invalid", null),
        Arguments.of("a 429 row", failed(QUOTA, ""), "failed", "request-error",
            "Vertex reported: 429 RESOURCE_EXHAUSTED: Resource exhausted.; retried in the next round"),
        Arguments.of("an error text in a BigQuery response column", failed("", ",\"response\":" + Json.write(BAD_ROLE)),
            "failed", "request-invalid", null),
        Arguments.of("a schema violation keeps the answer", ok(answer("STOP", text("{\"total\": 15}")), USAGE),
            "failed", "schema-violation", null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void everyRealLineHasItsOutcome(String name, String line, String status, String reason, String expected) {
    PredictionDecoder.Decoded d = decoder.decode(line);
    assertThat(d.keyError()).isNull();
    Outcome o = d.outcome();
    assertThat(o.status().label()).isEqualTo(status);
    assertThat(o.reason()).isEqualTo(reason);
    if (status.equals("succeeded")) {
      assertThat(o.data().toString()).isEqualTo(expected);
    } else if (expected != null) {
      assertThat(o.message()).isEqualTo(expected);
    }
  }

  @Test
  void aFailedAnswerCarriesWhatTheModelSaid() {
    Outcome o = decoder.decode(ok(answer("STOP", text("{\"total\": 15}")), USAGE)).outcome();
    assertThat(o.message()).contains("/total").contains("multiple of 7");
    assertThat(o.answer()).isEqualTo("{\"total\": 15}");
    String huge = "x".repeat(10_000);
    assertThat(decoder.decode(ok(answer("STOP", text(huge)), USAGE)).outcome().answer()).hasSize(Outcome.ANSWER_KEPT + 1);
  }

  @Test
  void a400IsNotRetriedAndA429Is() {
    assertThat(BatchRun.RETRYABLE).doesNotContain("request-invalid").contains("request-error");
  }

  @Test
  void usageAsBilled() {
    Usage u = decoder.decode(ok(answer("STOP", text("{\"total\": 14}")), USAGE)).outcome().usage();
    assertThat(u).isEqualTo(new Usage(300, 9, 20, 329, 0, 0));
    // Some success rows lack totalTokenCount: it is the sum of its parts, not 0.
    String noTotal = "\"usageMetadata\":{\"cachedContentTokenCount\":256,\"candidatesTokenCount\":9,\"promptTokenCount\":300,"
        + "\"thoughtsTokenCount\":20,\"toolUsePromptTokensDetails\":[{\"modality\":\"TEXT\",\"tokenCount\":5}]}";
    assertThat(decoder.decode(ok(answer("STOP", text("{\"total\": 14}")), noTotal)).outcome().usage())
        .isEqualTo(new Usage(300, 9, 20, 334, 256, 5));
  }

  @Test
  void theEchoMatchesTheRequestAsSentWhateverItsSpelling() {
    String sentCamel = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"fileData\":{\"mimeType\":\"application/pdf\","
        + "\"fileUri\":\"gs://b/files/a.pdf\"}},{\"text\":\"Extract.\"}]}],\"generationConfig\":{\"temperature\":1.0,"
        + "\"responseMimeType\":\"application/json\"}}";
    try {
      String key = dev.vbatch.request.RequestKey.ofEcho(Json.read(sentCamel));
      assertThat(decoder.decode(ok(answer("STOP", text("{\"total\": 14}")), USAGE)).key()).isEqualTo(key);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
