package dev.vbatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.aiplatform.v1.BatchPredictionJob;
import com.google.cloud.aiplatform.v1.GcsDestination;
import com.google.cloud.aiplatform.v1.GcsSource;
import com.google.cloud.aiplatform.v1.JobServiceClient;
import dev.vbatch.emulator.EmulatorConfig;
import dev.vbatch.emulator.EmulatorServer;
import dev.vbatch.testing.FakeTime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs vbatch did not submit, made here straight through the JobServiceClient as a notebook or the
 * console would: 'jobs' lists them, 'fetch --job' writes their validated results, 'cancel --job' and
 * 'delete --job' act on them.
 */
class ElsewhereJobsTest {
  private static final String PARENT = "projects/vbatch-emulator/locations/local";
  /** Docs-format lines: snake_case and camelCase, one with a schema'd JSON answer asked for, one plain text. */
  private static final String LINES = """
      {"request":{"contents":[{"role":"user","parts":[{"text":"Vendor: Acme\\nTotal: 12.5\\nExtract vendor and total as JSON."}]}],"generation_config":{"response_mime_type":"application/json","response_schema":{"type":"OBJECT","properties":{"vendor":{"type":"STRING"},"total":{"type":"NUMBER"}},"required":["vendor","total"]}}}}
      {"request":{"contents":[{"role":"user","parts":[{"text":"Vendor: Globex\\nTotal: 99\\nExtract vendor and total as JSON."}]}],"generationConfig":{"responseMimeType":"application/json","responseSchema":{"type":"OBJECT","properties":{"vendor":{"type":"STRING"},"total":{"type":"NUMBER"}},"required":["vendor","total"]}}}}
      """;

  @TempDir Path tmp;
  final FakeTime time = new FakeTime();
  EmulatorServer server;
  JobServiceClient client;

  @BeforeEach
  void start() throws Exception {
    server = EmulatorServer.start(0, tmp.resolve("emulator"), EmulatorConfig.defaults(), time);
    client = dev.vbatch.testing.EmulatorClients.jobs(server.endpoint());
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private BatchPredictionJob create(String name) throws Exception {
    Path input = Files.writeString(tmp.resolve(name + ".jsonl"), LINES);
    return client.createBatchPredictionJob(PARENT, BatchPredictionJob.newBuilder().setDisplayName(name)
        .setModel("publishers/google/models/gemini-2.5-flash")
        .setInputConfig(BatchPredictionJob.InputConfig.newBuilder().setInstancesFormat("jsonl")
            .setGcsSource(GcsSource.newBuilder().addUris(input.toUri().toString())))
        .setOutputConfig(BatchPredictionJob.OutputConfig.newBuilder().setPredictionsFormat("jsonl")
            .setGcsDestination(GcsDestination.newBuilder().setOutputUriPrefix(tmp.resolve("out-" + name).toUri().toString())))
        .putLabels("team", "finance")
        .build());
  }

  @Test
  void jobsListsAJobVbatchDidNotCreateAndFetchWritesItsValidatedResults() throws Exception {
    BatchPredictionJob job = create("from-a-notebook");
    time.sleep(Duration.ofMinutes(10));
    String id = job.getName().substring(job.getName().lastIndexOf('/') + 1);
    CliHarness cli = new CliHarness(tmp.resolve("home"));

    CliHarness.Result listed = cli.run("jobs", "--emulator-endpoint", server.endpoint(), "--json", "--label", "team=finance");
    assertThat(listed.exit()).as(listed.err()).isZero();
    JsonNode first = listed.json().get(0);
    assertThat(first.path("name").asText()).isEqualTo(job.getName());
    assertThat(first.path("displayName").asText()).isEqualTo("from-a-notebook");
    assertThat(first.path("state").asText()).isEqualTo("SUCCEEDED");
    assertThat(first.path("model").asText()).endsWith("gemini-2.5-flash");
    assertThat(first.path("counts").path("succeeded").asLong()).isEqualTo(2);
    assertThat(first.path("labels").path("team").asText()).isEqualTo("finance");
    assertThat(cli.run("jobs", "--emulator-endpoint", server.endpoint(), "--json", "--state", "running").json()).isEmpty();
    assertThat(cli.run("jobs", "--emulator-endpoint", server.endpoint(), "--json", "--label", "team=hr").json()).isEmpty();
    CliHarness.Result table = cli.run("jobs", "--emulator-endpoint", server.endpoint());
    assertThat(table.out()).contains(id).contains("SUCCEEDED").contains("from-a-notebook");

    Files.writeString(tmp.resolve("schema.json"), "{\"type\":\"object\",\"properties\":{\"vendor\":{\"type\":\"string\"},"
        + "\"total\":{\"type\":\"number\"}},\"required\":[\"vendor\",\"total\"]}");
    Path out = tmp.resolve("fetched");
    CliHarness.Result fetched = cli.run("fetch", "--job", id, "--schema", tmp.resolve("schema.json").toString(),
        "--out", out.toString(), "--emulator-endpoint", server.endpoint());
    assertThat(fetched.exit()).as(fetched.err() + fetched.out()).isZero();
    assertThat(fetched.out()).contains("items 2 = succeeded 2 + failed 0 + skipped 0");
    List<JsonNode> lines = CliHarness.lines(out.resolve("results.jsonl"));
    assertThat(lines).extracting(l -> l.path("data").path("vendor").asText()).containsExactlyInAnyOrder("Acme", "Globex");
    assertThat(lines).extracting(l -> l.path("source").asText()).allSatisfy(s -> assertThat(s).startsWith("Vendor: "));
    assertThat(lines).allSatisfy(l -> assertThat(l.path("usage").path("totalTokens").asLong()).isPositive());
    JsonNode summary = dev.vbatch.util.Json.read(Files.readString(out.resolve("summary.json")));
    assertThat(summary.path("items").asLong()).isEqualTo(2);
    assertThat(summary.path("cost").path("batchUsd").asDouble()).isPositive();

    // A schema the answers do not meet: every line fails, named as such.
    Files.writeString(tmp.resolve("strict.json"), "{\"type\":\"object\",\"required\":[\"iban\"]}");
    CliHarness.Result strict = cli.run("fetch", "--job", id, "--schema", tmp.resolve("strict.json").toString(),
        "--out", tmp.resolve("strict").toString(), "--emulator-endpoint", server.endpoint());
    assertThat(strict.exit()).isEqualTo(ExitCodes.ITEMS_FAILED);
    assertThat(CliHarness.lines(tmp.resolve("strict/results.jsonl")))
        .allSatisfy(l -> assertThat(l.path("error").path("reason").asText()).isEqualTo("schema-violation"));

    CliHarness.Result deleted = cli.run("delete", "--job", id, "--emulator-endpoint", server.endpoint());
    assertThat(deleted.exit()).as(deleted.err()).isZero();
    assertThat(cli.run("jobs", "--emulator-endpoint", server.endpoint(), "--json").json()).isEmpty();
  }

  @Test
  void cancelJobStopsAJobStillRunningAndRunOrJobIsRequired() throws Exception {
    BatchPredictionJob job = create("running");
    CliHarness cli = new CliHarness(tmp.resolve("home"));
    CliHarness.Result cancelled = cli.run("cancel", "--job", job.getName(), "--emulator-endpoint", server.endpoint());
    assertThat(cancelled.exit()).as(cancelled.err()).isZero();
    assertThat(cancelled.out()).contains("cancel requested: " + job.getName());
    time.sleep(Duration.ofMinutes(10));
    assertThat(client.getBatchPredictionJob(job.getName()).getState().name()).isEqualTo("JOB_STATE_CANCELLED");

    CliHarness.Result neither = cli.run("fetch");
    assertThat(neither.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(neither.err()).contains("Missing required parameter: 'RUN' (or --job NAME for a job vbatch did not submit)");
    CliHarness.Result both = cli.run("fetch", "r1", "--job", "1");
    assertThat(both.err()).contains("give RUN or --job, not both");
  }
}
