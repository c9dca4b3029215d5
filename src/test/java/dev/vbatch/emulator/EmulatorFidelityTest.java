package dev.vbatch.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.aiplatform.v1.BatchPredictionJob;
import com.google.cloud.aiplatform.v1.GcsDestination;
import com.google.cloud.aiplatform.v1.GcsSource;
import com.google.cloud.aiplatform.v1.JobServiceClient;
import com.google.cloud.aiplatform.v1.JobState;
import com.google.cloud.aiplatform.v1.ListBatchPredictionJobsRequest;
import dev.vbatch.storage.UriStore;
import dev.vbatch.testing.FakeTime;
import dev.vbatch.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emulator as Vertex behaves, driven through the real JobServiceClient: bad input lines are
 * failed rows and never a broken service, the importer's rules fail a job with code 3, job-level
 * failures carry Vertex's codes, and the protocol's preconditions, scoping and order hold.
 */
class EmulatorFidelityTest {
  static final String PARENT = "projects/p/locations/us-central1";
  static final String GOOD = "{\"custom_id\":\"000123\",\"request\":{\"contents\":[{\"role\":\"user\",\"parts\":"
      + "[{\"text\":\"vendor: Acme\"}]}],\"generationConfig\":{\"temperature\":1.0,\"topP\":0.4}}}";

  @TempDir Path tmp;
  FakeTime time = new FakeTime();
  EmulatorServer server;
  JobServiceClient client;

  @BeforeEach
  void start() throws Exception {
    Files.createDirectories(tmp.resolve("gcs/bucket"));
    restart();
  }

  void restart() throws Exception {
    stop();
    server = EmulatorServer.start(0, tmp.resolve("data"), EmulatorConfig.defaults(), time, UriStore.gcsRoot(tmp.resolve("gcs")));
    client = dev.vbatch.testing.EmulatorClients.jobs(server.endpoint());
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  BatchPredictionJob create(String name, String inputLines, String outputPrefix) throws Exception {
    Files.writeString(tmp.resolve("gcs/bucket/" + name + ".jsonl"), inputLines);
    return client.createBatchPredictionJob(PARENT, job(name, "gs://bucket/" + name + ".jsonl", outputPrefix));
  }

  static BatchPredictionJob job(String name, String input, String outputPrefix) {
    return BatchPredictionJob.newBuilder().setDisplayName(name).setModel("publishers/google/models/gemini-2.5-flash")
        .setInputConfig(BatchPredictionJob.InputConfig.newBuilder().setInstancesFormat("jsonl")
            .setGcsSource(GcsSource.newBuilder().addUris(input)))
        .setOutputConfig(BatchPredictionJob.OutputConfig.newBuilder().setPredictionsFormat("jsonl")
            .setGcsDestination(GcsDestination.newBuilder().setOutputUriPrefix(outputPrefix)))
        .build();
  }

  BatchPredictionJob toTheEnd(String name) {
    time.sleep(Duration.ofMinutes(10));
    return client.getBatchPredictionJob(name);
  }

  List<JsonNode> predictions(BatchPredictionJob job) throws Exception {
    Path dir = tmp.resolve("gcs").resolve(job.getOutputInfo().getGcsOutputDirectory().substring(5));
    List<JsonNode> rows = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        for (String line : Files.readAllLines(f)) {
          rows.add(Json.read(line));
        }
      }
    }
    return rows;
  }

  static StatusCode.Code code(Runnable call) {
    try {
      call.run();
    } catch (ApiException e) {
      return e.getStatusCode().getCode();
    }
    throw new AssertionError("the call succeeded");
  }

  @Test
  void badLinesAreFailedRowsAndTheDataDirectoryAnswersEveryCallAcrossRestarts() throws Exception {
    BatchPredictionJob job = create("mixed", GOOD + "\n{\"request\": {\"contents\": [\n{\"instance\":1}\n"
        + "{\"request\":{\"contents\":[{\"parts\":[{\"text\":\"x\"}]}],\"unknownField\":1}}\n", "gs://bucket/out");
    assertThat(job.hasCompletionStats()).as("no completionStats while queued").isFalse();
    BatchPredictionJob ended = toTheEnd(job.getName());
    assertThat(ended.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    assertThat(ended.getCompletionStats().getSuccessfulCount()).isEqualTo(1);
    assertThat(ended.getCompletionStats().getFailedCount()).isEqualTo(3);
    List<JsonNode> rows = predictions(ended);
    assertThat(rows).hasSize(4);
    JsonNode ok = rows.stream().filter(r -> r.path("status").asText().isEmpty()).findFirst().orElseThrow();
    // The sibling key comes back coerced, as Vertex's importer stores it; the echo sorted, 1.0 as 1.
    assertThat(ok.path("custom_id").isNumber()).isTrue();
    assertThat(ok.path("custom_id").asLong()).isEqualTo(123);
    assertThat(ok.path("request").toString()).isEqualTo("{\"contents\":[{\"parts\":[{\"text\":\"vendor: Acme\"}],"
        + "\"role\":\"user\"}],\"generationConfig\":{\"temperature\":1,\"topP\":0.4}}");
    assertThat(ok.path("response").path("responseId").asText()).hasSize(22);
    assertThat(ok.path("response").path("usageMetadata").path("trafficType").asText()).isEqualTo("ON_DEMAND");
    assertThat(rows.stream().filter(r -> !r.path("status").asText().isEmpty()))
        .allSatisfy(r -> {
          assertThat(r.path("status").asText()).startsWith("Bad Request: {\"error\": {\"code\": 400, \"message\": \"Invalid JSON payload");
          assertThat(r.has("response")).isFalse();
        });
    assertThat(rows).extracting(r -> r.path("status").asText()).anyMatch(s -> s.contains("unknownField"))
        .anyMatch(s -> s.contains("no 'request' object"));

    restart();
    assertThat(client.getBatchPredictionJob(job.getName()).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    assertThat(client.listBatchPredictionJobs(PARENT).iterateAll()).hasSize(1);
    assertThat(code(() -> client.cancelBatchPredictionJob(job.getName()))).isEqualTo(StatusCode.Code.FAILED_PRECONDITION);
    var op = client.deleteBatchPredictionJobAsync(job.getName());
    assertThat(op.getName()).matches("projects/p/locations/us-central1/operations/\\d+");
    op.get();
    assertThat(client.getOperationsClient().getOperation(op.getName()).getDone()).isTrue();
    assertThat(code(() -> client.getBatchPredictionJob(job.getName()))).isEqualTo(StatusCode.Code.NOT_FOUND);
  }

  @Test
  void jobLevelFailuresCarryVertexsCodes() throws Exception {
    BatchPredictionJob refused = create("refused", GOOD + "\n{\"request\":{\"contents\":[],\"tools\":[{\"googleSearch\":{}}]}}\n",
        "gs://bucket/out");
    BatchPredictionJob noBucket = create("nobucket", GOOD + "\n", "gs://missing-bucket/out");
    Files.writeString(tmp.resolve("gcs/bucket/blocked"), "a file where the output folder would be");
    BatchPredictionJob unwritable = create("unwritable", GOOD + "\n", "gs://bucket/blocked");
    assertThat(toTheEnd(refused.getName()).getError().getCode()).isEqualTo(3);
    assertThat(client.getBatchPredictionJob(refused.getName()).getError().getMessage()).isEqualTo(
        "Failed to import data. Please check 'Prepare input' section of the batch predictions documentation."
            + " Cannot store struct 'request.tools.googleSearch' with no fields.");
    BatchPredictionJob missing = client.getBatchPredictionJob(noBucket.getName());
    assertThat(missing.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
    assertThat(missing.getError().getCode()).isEqualTo(9);
    assertThat(missing.getError().getMessage()).isEqualTo("Failed to get GCS bucket location for missing-bucket.");
    BatchPredictionJob denied = client.getBatchPredictionJob(unwritable.getName());
    assertThat(denied.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
    assertThat(denied.getError().getCode()).isEqualTo(7);
    BatchPredictionJob.Builder unknown = job("x", "gs://bucket/refused.jsonl", "gs://bucket/out").toBuilder()
        .setModel("publishers/google/models/gemini-9-ultra");
    assertThat(code(() -> client.createBatchPredictionJob(PARENT, unknown.build()))).isEqualTo(StatusCode.Code.NOT_FOUND);
  }

  @Test
  void listIsNewestFirstScopedToItsProjectAndPagedWithOpaqueTokens() throws Exception {
    BatchPredictionJob a = create("a", GOOD + "\n", "gs://bucket/out");
    time.sleep(Duration.ofSeconds(1));
    BatchPredictionJob b = create("b", GOOD + "\n", "gs://bucket/out");
    assertThat(code(() -> client.deleteBatchPredictionJobCallable().call(
        com.google.cloud.aiplatform.v1.DeleteBatchPredictionJobRequest.newBuilder().setName(b.getName()).build()))).isEqualTo(StatusCode.Code.FAILED_PRECONDITION);
    assertThat(client.listBatchPredictionJobs(PARENT).iterateAll()).extracting(BatchPredictionJob::getName)
        .containsExactly(b.getName(), a.getName());
    assertThat(client.listBatchPredictionJobs("projects/q/locations/us-central1").iterateAll()).isEmpty();
    assertThat(code(() -> client.getBatchPredictionJob(a.getName().replace("projects/p/", "projects/q/"))))
        .isEqualTo(StatusCode.Code.NOT_FOUND);
    var page = client.listBatchPredictionJobs(ListBatchPredictionJobsRequest.newBuilder().setParent(PARENT).setPageSize(1).build());
    assertThat(page.getPage().getValues()).hasSize(1);
    assertThat(page.getNextPageToken()).isNotEmpty().doesNotMatch("\\d+");
    assertThat(code(() -> client.listBatchPredictionJobs(ListBatchPredictionJobsRequest.newBuilder().setParent(PARENT)
        .setPageToken("1").build()))).isEqualTo(StatusCode.Code.INVALID_ARGUMENT);
    assertThat(code(() -> client.listBatchPredictionJobs(ListBatchPredictionJobsRequest.newBuilder().setParent(PARENT)
        .setFilter("state=SUCCEEDED").build()))).isEqualTo(StatusCode.Code.INVALID_ARGUMENT);
  }

  @Test
  void aSchemaPropertyNameWithASpaceFailsTheJobAsOnVertex() throws Exception {
    BatchPredictionJob job = create("spaced", "{\"request\":{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"x\"}]}],"
        + "\"generationConfig\":{\"responseSchema\":{\"type\":\"OBJECT\",\"properties\":{\"invoice number\":"
        + "{\"type\":\"STRING\"}}}}}}\n", "gs://bucket/out");
    BatchPredictionJob ended = toTheEnd(job.getName());
    assertThat(ended.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
    assertThat(ended.getError().getCode()).isEqualTo(3);
    assertThat(ended.getError().getMessage()).contains("Invalid field name \"invoice number\"");
    assertThat(ended.hasCompletionStats()).isFalse();
  }

  @Test
  void onlineCallsSharingALongSystemInstructionReadItFromTheImplicitCache() throws Exception {
    try (var online = dev.vbatch.testing.EmulatorClients.predictions(server.endpoint())) {
      var system = com.google.cloud.aiplatform.v1.Content.newBuilder()
          .addParts(com.google.cloud.aiplatform.v1.Part.newBuilder().setText("Rules. ".repeat(800)));
      java.util.function.Function<String, com.google.cloud.aiplatform.v1.GenerateContentRequest> request = text ->
          com.google.cloud.aiplatform.v1.GenerateContentRequest.newBuilder()
              .setModel(PARENT + "/publishers/google/models/gemini-2.5-flash").setSystemInstruction(system)
              .addContents(com.google.cloud.aiplatform.v1.Content.newBuilder().setRole("user")
                  .addParts(com.google.cloud.aiplatform.v1.Part.newBuilder().setText(text))).build();
      var first = online.generateContent(request.apply("one")).getUsageMetadata();
      var second = online.generateContent(request.apply("two")).getUsageMetadata();
      assertThat(first.getCachedContentTokenCount()).isZero();
      assertThat(second.getCachedContentTokenCount()).isEqualTo(1401).isLessThan(second.getPromptTokenCount());
    }
  }
}
