package dev.vbatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * input.requests: a request file in the format of Google's batch docs and notebooks, sent as written,
 * with no prompt and no schema; every line ends as exactly one result.
 */
class RequestFileTest {
  private static final String SCHEMA = "\"response_schema\":{\"type\":\"OBJECT\",\"properties\":{\"vendor\":{\"type\":\"STRING\"},"
      + "\"total\":{\"type\":\"NUMBER\"}},\"required\":[\"vendor\",\"total\"]}";
  private static final String LINES = String.join("\n",
      "{\"request\":{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Vendor: Acme\\nTotal: 12.5\"}]}],"
          + "\"generation_config\":{\"response_mime_type\":\"application/json\"," + SCHEMA + "}}}",
      "{\"id\":\"ticket-7\",\"team\":\"ops\",\"request\":{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Vendor: Globex\\nTotal: 99\"}]}],"
          + "\"generationConfig\":{\"responseMimeType\":\"application/json\"," + SCHEMA.replace("response_schema", "responseSchema") + "}}}",
      "{\"request\": {\"contents\": [{\"role\": \"user\", \"parts\": [{\"text\": \"What is the relation between the following video "
          + "and image samples?\"}, {\"file_data\": {\"file_uri\": \"gs://cloud-samples-data/generative-ai/video/animals.mp4\", "
          + "\"mime_type\": \"video/mp4\"}}]}]}}",
      "{\"request\": {\"contents\": broken",
      "{\"request\":{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}],\"temperature\":3}}",
      "{\"id\":\"ticket-7\",\"request\":{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"again\"}]}]}}",
      "");

  @TempDir Path tmp;

  @Test
  void aDocsFormatRequestFileRunsWithNoPromptOrSchemaAndEveryLineIsAccountedFor() throws Exception {
    Files.writeString(tmp.resolve("requests.jsonl"), LINES);
    Files.writeString(tmp.resolve("job.yaml"), "name: byo\nmodel: gemini-2.5-flash\ninput:\n  requests: requests.jsonl\n");
    CliHarness.Result r = new CliHarness(tmp.resolve("home")).run("run", tmp.resolve("job.yaml").toString(),
        "--out", tmp.resolve("out").toString());
    assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.ITEMS_FAILED);
    List<JsonNode> lines = CliHarness.lines(tmp.resolve("out/results.jsonl"));
    assertThat(lines).extracting(l -> l.path("source").asText()).containsExactly("requests.jsonl:1", "ticket-7",
        "requests.jsonl:3", "requests.jsonl:4", "requests.jsonl:5", "ticket-7");
    assertThat(lines).extracting(l -> l.path("status").asText()).containsExactly("succeeded", "succeeded", "failed",
        "skipped", "skipped", "skipped");
    // snake_case and camelCase lines were read alike, and sent as written (their response schema came back).
    assertThat(lines.get(0).path("data").path("vendor").asText()).isEqualTo("Acme");
    assertThat(lines.get(1).path("data").path("total").asDouble()).isEqualTo(99);
    // The multimodal docs line is sent unchanged; the emulator cannot fetch Google's public sample data.
    assertThat(lines.get(2).path("error").path("reason").asText()).isEqualTo("request-invalid");
    assertThat(lines.get(3).path("error").path("message").asText())
        .isEqualTo("requests.jsonl line 4: is not valid JSON at column 32: Unrecognized token 'broken'; each line must be one JSON object");
    assertThat(lines.get(4).path("error").path("message").asText()).isEqualTo("requests.jsonl line 5: \"request\" is not a "
        + "GenerateContentRequest (Cannot find field: temperature in message google.cloud.aiplatform.v1.GenerateContentRequest)");
    assertThat(lines.get(5).path("error").path("reason").asText()).isEqualTo("duplicate-id");

    // A schema, when given, validates the answers of the same lines.
    Files.writeString(tmp.resolve("schema.json"), "{\"type\":\"object\",\"required\":[\"vendor\",\"iban\"]}");
    Files.writeString(tmp.resolve("strict.yaml"), "name: byo-strict\nmodel: gemini-2.5-flash\ninput:\n  requests: requests.jsonl\n"
        + "schema: schema.json\n");
    CliHarness.Result strict = new CliHarness(tmp.resolve("home")).run("run", tmp.resolve("strict.yaml").toString(),
        "--out", tmp.resolve("strict").toString(), "--refresh");
    assertThat(strict.exit()).as(strict.err()).isEqualTo(ExitCodes.ITEMS_FAILED);
    assertThat(CliHarness.lines(tmp.resolve("strict/results.jsonl")).get(0).path("error").path("reason").asText())
        .isEqualTo("schema-violation");
  }

  @Test
  void aPromptBesideARequestFileIsRefused() throws Exception {
    Files.writeString(tmp.resolve("requests.jsonl"), LINES);
    Files.writeString(tmp.resolve("job.yaml"), "model: gemini-2.5-flash\ninput:\n  requests: requests.jsonl\n"
        + "prompt:\n  user: hello\n");
    CliHarness.Result r = new CliHarness(tmp.resolve("home")).run("plan", tmp.resolve("job.yaml").toString());
    assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("property 'prompt' cannot be used with input.requests");
  }
}
