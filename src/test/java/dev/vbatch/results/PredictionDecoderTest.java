package dev.vbatch.results;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vbatch.spec.ResultSchema;
import dev.vbatch.util.Json;
import org.junit.jupiter.api.Test;

class PredictionDecoderTest {
  static final ResultSchema SCHEMA = new ResultSchema(Json.read(
      "{\"type\":\"object\",\"properties\":{\"total\":{\"type\":\"number\",\"minimum\":0},\"items\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}},\"required\":[\"total\"]}"));
  final PredictionDecoder decoder = new PredictionDecoder(SCHEMA, 256);

  static String line(String status, String response) {
    ObjectNode n = Json.object();
    n.put("status", status);
    n.put("processed_time", "2026-11-21T03:00:00.000+00:00");
    n.set("request", Json.read("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\",\"file_data\":null}]}]}"));
    if (response != null) {
      n.set("response", Json.read(response));
    }
    return n.toString();
  }

  static String text(String text, String finish) {
    ObjectNode r = Json.object();
    ObjectNode c = r.putArray("candidates").addObject();
    c.putObject("content").put("role", "model").putArray("parts").addObject().put("text", text);
    c.put("finishReason", finish);
    r.putObject("usageMetadata").put("promptTokenCount", 10).put("candidatesTokenCount", 5).put("totalTokenCount", 15);
    r.put("modelVersion", "gemini-2.5-flash");
    return r.toString();
  }

  private Outcome decode(String status, String response) {
    PredictionDecoder.Decoded d = decoder.decode(line(status, response));
    assertThat(d.key()).hasSize(32);
    return d.outcome();
  }

  @Test
  void theKeyWrittenBesideTheRequestNamesItFirstAndTheEchoIsTheFallback() {
    ObjectNode row = (ObjectNode) Json.read(line("", text("{\"total\": 3}", "STOP")));
    String echoKey = decoder.decode(row.toString()).key();
    row.put("vbatch_key", "vb-0123456789abcdef0123456789abcdef");
    assertThat(decoder.decode(row.toString()).key()).isEqualTo("0123456789abcdef0123456789abcdef");
    row.remove("request");
    PredictionDecoder.Decoded d = decoder.decode(row.toString());
    assertThat(d.key()).isEqualTo("0123456789abcdef0123456789abcdef");
    assertThat(d.outcome().status()).isEqualTo(Outcome.Status.SUCCEEDED);
    // A key the importer turned into a number is no key: the echo decides.
    row.set("request", Json.read(line("", null)).get("request"));
    row.put("vbatch_key", 12e45);
    assertThat(decoder.decode(row.toString()).key()).isEqualTo(echoKey);
    row.remove("vbatch_key");
    row.remove("request");
    assertThat(decoder.decode(row.toString()).keyError()).isEqualTo("the line has no vbatch_key and no echoed 'request'");
  }

  @Test
  void validJsonSucceedsWithUsage() {
    Outcome o = decode("", text("{\"total\": 12.5, \"items\": [\"a\"]}", "STOP"));
    assertThat(o.status()).isEqualTo(Outcome.Status.SUCCEEDED);
    assertThat(o.data().get("total").asDouble()).isEqualTo(12.5);
    assertThat(o.usage()).isEqualTo(new Usage(10, 5, 0, 15));
  }

  @Test
  void everyFailureHasItsReason() {
    assertThat(decode("Bad Request: quota", null)).extracting(Outcome::reason, Outcome::message)
        .containsExactly("request-error", "Vertex reported: Bad Request: quota; retried in the next round");
    assertThat(decode("", null).reason()).isEqualTo("empty-response");
    assertThat(decode("", "{\"candidates\":[]}").reason()).isEqualTo("empty-response");
    assertThat(decode("", text("", "STOP")).message()).isEqualTo("the response has no text (finishReason STOP)");
    assertThat(decode("", "{\"promptFeedback\":{\"blockReason\":\"SAFETY\",\"blockReasonMessage\":\"no\"}}").message())
        .isEqualTo("the prompt was blocked (SAFETY): no; review the input or generation.safety");
    assertThat(decode("", "{\"candidates\":[{\"finishReason\":\"SAFETY\",\"safetyRatings\":[{\"category\":\"HARM_CATEGORY_HARASSMENT\",\"blocked\":true}]}]}").message())
        .isEqualTo("the response was blocked (finishReason SAFETY) in HARM_CATEGORY_HARASSMENT; review the input or generation.safety");
    assertThat(decode("", text("{\"total\": 1", "MAX_TOKENS")).message())
        .isEqualTo("the JSON stops after 11 characters because the output hit maxOutputTokens (256); raise generation.maxOutputTokens or ask for less");
    assertThat(decode("", text("Sure! {\"total\": 1}", "STOP")).reason()).isEqualTo("invalid-json");
    assertThat(decode("", text("{\"total\": 1} trailing", "STOP")).reason()).isEqualTo("invalid-json");
    assertThat(decode("", text("{\"total\": -3, \"items\": [4]}", "STOP")).message())
        .startsWith("the JSON does not match the schema at ")
        .contains("/items/0: integer found, string expected").contains("/total: must have a minimum value of 0");
  }

  @Test
  void linesWithoutAReadableEchoHaveNoKey() {
    assertThat(decoder.decode("not json").keyError()).startsWith("the line is not JSON");
    assertThat(decoder.decode("{\"status\":\"\"}").keyError()).isEqualTo("the line has no vbatch_key and no echoed 'request'");
    assertThat(decoder.decode("{\"request\":{\"contents\":\"oops\"}}").keyError()).startsWith("the echoed request cannot be read");
  }
}
