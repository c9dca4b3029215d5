package dev.vbatch.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import dev.vbatch.event.Event;
import dev.vbatch.input.RemoteObjects;
import dev.vbatch.run.Backend;
import dev.vbatch.run.BatchRun;
import dev.vbatch.run.RunReport;
import dev.vbatch.run.WaitStep;
import dev.vbatch.spec.JobSpec;
import dev.vbatch.spec.SpecException;
import dev.vbatch.spec.SpecReader;
import dev.vbatch.storage.GcsBlobStore;
import dev.vbatch.testing.BigQueryStandIn;
import dev.vbatch.testing.FakeTime;
import dev.vbatch.testing.InMemoryCloud;
import dev.vbatch.util.Json;
import dev.vbatch.vertex.CloudException;
import dev.vbatch.vertex.VertexBatchJobs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Results appended to a BigQuery table, against a local HTTP stand-in for the BigQuery API: the
 * dataset's region is checked before anything is submitted, the rows are staged on Cloud Storage
 * (in memory here) and loaded by one load job per run, and loading a run again adds nothing.
 */
class BigQueryResultsTest {
  @TempDir Path tmp;
  final FakeTime time = new FakeTime();
  final List<Event> events = new ArrayList<>();
  final Storage storage = LocalStorageHelper.getOptions().getService();
  BigQueryStandIn bq;
  InMemoryCloud cloud;
  VertexBatchJobs jobs;

  @BeforeEach
  void setUp() throws Exception {
    bq = new BigQueryStandIn();
    bq.datasets.put("invoices", "us-central1");
    cloud = new InMemoryCloud(storage, tmp.resolve("emulator"), time, events::add);
    jobs = cloud.jobs;
  }

  @AfterEach
  void tearDown() {
    cloud.close();
    bq.close();
  }

  private JobSpec spec(String extra) throws Exception {
    Path dir = tmp.resolve("job");
    Files.createDirectories(dir);
    Files.copy(Path.of("jobs/sample-invoices/prompt.yaml"), dir.resolve("prompt.yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.copy(Path.of("jobs/sample-invoices/schema.json"), dir.resolve("schema.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(dir.resolve("job.yaml"), """
        name: invoices-to-bq
        model: gemini-2.5-flash
        backend: vertex
        project: p
        location: us-central1
        staging: gs://staging-bucket/vbatch
        input:
          files: %s
        prompt: prompt.yaml
        schema: schema.json
        %s
        """.formatted(Path.of("samples/invoices").toAbsolutePath(), extra));
    return SpecReader.read(dir.resolve("job.yaml"), Map.of());
  }

  private RunReport run(JobSpec spec, String runId) throws Exception {
    Backend backend = new Backend("bq-test", new GcsBlobStore(storage, "gs://staging-bucket/vbatch"), jobs,
        WaitStep.Polling.EMULATOR, null, RemoteObjects.NONE, new BigQueryResults(bq.client("p")));
    BatchRun run = new BatchRun(spec, backend, tmp.resolve("out-" + runId), tmp.resolve("home"), time, events::add);
    return run.finish(run.begin(runId, false, 0, JobSpec.Mode.BATCH, JobSpec.Mode.BATCH));
  }

  private List<JsonNode> stagedRows(String runId) throws Exception {
    String text = new String(storage.readAllBytes(BlobId.of("staging-bucket", "vbatch/runs/" + runId + "/bigquery/results.jsonl")),
        StandardCharsets.UTF_8);
    List<JsonNode> rows = new ArrayList<>();
    for (String line : text.split("\n")) {
      rows.add(Json.MAPPER.readTree(line));
    }
    return rows;
  }

  @Test
  void aRunAppendsItsResultsThroughOneLoadJob() throws Exception {
    RunReport report = run(spec("resultsTable: invoices.results"), "r1");
    assertThat(report.succeeded()).as(events.toString()).isEqualTo(7);

    // The region was checked first, then one load job was created.
    assertThat(bq.calls.get(0).method()).isEqualTo("GET");
    assertThat(bq.calls.get(0).path()).isEqualTo("/bigquery/v2/projects/p/datasets/invoices");
    List<BigQueryStandIn.Call> inserts = bq.calls("POST", "/projects/p/jobs");
    assertThat(inserts).hasSize(1);
    JsonNode job = inserts.get(0).body();
    assertThat(job.path("jobReference").path("jobId").asText()).isEqualTo("vbatch_results_r1");
    assertThat(job.path("jobReference").path("location").asText()).isEqualTo("us-central1");
    JsonNode load = job.path("configuration").path("load");
    assertThat(load.path("destinationTable").path("projectId").asText()).isEqualTo("p");
    assertThat(load.path("destinationTable").path("datasetId").asText()).isEqualTo("invoices");
    assertThat(load.path("destinationTable").path("tableId").asText()).isEqualTo("results");
    assertThat(load.path("sourceUris").get(0).asText()).isEqualTo("gs://staging-bucket/vbatch/runs/r1/bigquery/results.jsonl");
    assertThat(load.path("sourceFormat").asText()).isEqualTo("NEWLINE_DELIMITED_JSON");
    assertThat(load.path("writeDisposition").asText()).isEqualTo("WRITE_APPEND");
    assertThat(load.path("createDisposition").asText()).isEqualTo("CREATE_IF_NEEDED");
    Map<String, String> types = new java.util.LinkedHashMap<>();
    load.path("schema").path("fields").forEach(f -> types.put(f.path("name").asText(), f.path("type").asText()));
    assertThat(types).containsEntry("run_id", "STRING").containsEntry("data", "JSON").containsEntry("total", "FLOAT")
        .containsEntry("invoice_number", "STRING").containsEntry("attempts", "INTEGER");

    // One row per item, with typed columns beside the whole result.
    List<JsonNode> rows = stagedRows("r1");
    assertThat(rows).hasSize(7).allSatisfy(r -> assertThat(r.path("run_id").asText()).isEqualTo("r1"));
    JsonNode first = rows.get(0);
    assertThat(first.path("source").asText()).isEqualTo("invoice-1001.pdf");
    assertThat(first.path("status").asText()).isEqualTo("succeeded");
    assertThat(first.path("total").isNumber()).isTrue();
    assertThat(first.path("total").asDouble()).isEqualTo(1234.5);
    assertThat(first.path("invoice_number").asText()).isEqualTo("INV-1001");
    assertThat(first.path("data").path("vendor").asText()).isEqualTo("Acme Tools GmbH");
  }

  @Test
  void loadingARunAgainAddsNothing() throws Exception {
    JobSpec spec = spec("resultsTable: invoices.results");
    run(spec, "r1");
    new BigQueryResults(bq.client("p")).append(spec, "r1", tmp.resolve("out-r1/results.jsonl"),
        new GcsBlobStore(storage, "gs://staging-bucket/vbatch"), events::add);
    // The second insert met the first job (409) and looked it up instead of loading again.
    assertThat(bq.calls("POST", "/projects/p/jobs")).hasSize(2);
    assertThat(bq.calls("GET", "/projects/p/jobs/vbatch_results_r1")).isNotEmpty();
    assertThat(events.toString()).contains("were loaded into p.invoices.results before; not loading them again");
  }

  @Test
  void aDatasetInAnotherRegionStopsTheRunBeforeAnythingIsSubmitted() throws Exception {
    bq.datasets.put("invoices", "europe-west4");
    JobSpec spec = spec("resultsTable: invoices.results");
    assertThatThrownBy(() -> run(spec, "r1"))
        .isInstanceOf(CloudException.class)
        .hasMessage("BigQuery dataset p.invoices is in europe-west4 and the job runs in us-central1; use a dataset in "
            + "us-central1 for resultsTable, or set location: europe-west4 in " + tmp.resolve("job/job.yaml"));
    assertThat(objects("vbatch/runs/")).isEmpty();
    assertThat(bq.calls("POST", "/jobs")).isEmpty();
  }

  @Test
  void aMultiRegionDatasetIsRefused() throws Exception {
    bq.datasets.put("invoices", "US");
    JobSpec spec = spec("resultsTable: invoices.results");
    assertThatThrownBy(() -> new BigQueryResults(bq.client("p")).check(spec))
        .isInstanceOf(CloudException.class).hasMessageContaining("is in the multi-region US");
  }

  @Test
  void aMissingDatasetOrAMissingRoleIsOneLineThatSaysWhatToDo() throws Exception {
    JobSpec spec = spec("resultsTable: other-project.archive.results");
    assertThatThrownBy(() -> new BigQueryResults(bq.client("p")).check(spec))
        .isInstanceOf(CloudException.class)
        .hasMessageStartingWith("BigQuery dataset other-project.archive does not exist: create it in us-central1 "
            + "(bq mk --location=us-central1 other-project:archive)");
    bq.failures.put("/datasets/invoices", 403);
    JobSpec denied = spec("resultsTable: invoices.results");
    assertThatThrownBy(() -> new BigQueryResults(bq.client("p")).check(denied))
        .isInstanceOf(CloudException.class)
        .satisfies(e -> assertThat(((CloudException) e).code()).isEqualTo("PERMISSION_DENIED"))
        .hasMessageContaining("the account running vbatch needs roles/bigquery.dataEditor on the dataset and "
            + "roles/bigquery.jobUser on project p");
  }

  @Test
  void theSpecRefusesAResultsTableTheBackendCannotLoad() throws Exception {
    Path dir = tmp.resolve("emu");
    Files.createDirectories(dir);
    Files.copy(Path.of("jobs/sample-invoices/schema.json"), dir.resolve("schema.json"));
    Files.writeString(dir.resolve("job.yaml"), """
        name: x
        model: gemini-2.5-flash
        location: global
        input:
          files: %s
        prompt: Extract.
        schema: schema.json
        resultsTable: invoices
        """.formatted(Path.of("samples/invoices").toAbsolutePath()));
    assertThatThrownBy(() -> SpecReader.read(dir.resolve("job.yaml"), Map.of()))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("resultsTable").hasMessageContaining("DATASET.TABLE");
    Files.writeString(dir.resolve("job.yaml"), Files.readString(dir.resolve("job.yaml")).replace("resultsTable: invoices",
        "resultsTable: invoices.results"));
    assertThatThrownBy(() -> SpecReader.read(dir.resolve("job.yaml"), Map.of()))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("needs backend: vertex").hasMessageContaining("cannot be used with location: global");
  }

  @Test
  void theNightlyInvoicesExampleLoadsScansFromABucketIntoItsTable() throws Exception {
    for (String name : List.of("invoice-1001.pdf", "invoice-1002.pdf")) {
      storage.create(com.google.cloud.storage.BlobInfo.newBuilder(BlobId.of("inputs-bucket", "scans/" + name)).build(),
          Files.readAllBytes(Path.of("samples/invoices").resolve(name)));
    }
    bq.datasets.put("invoices", "europe-west4");
    JobSpec spec = SpecReader.read(Path.of("jobs/nightly-invoices/job.yaml"),
        Map.of("GOOGLE_CLOUD_PROJECT", "p", "VBATCH_BUCKET", "staging-bucket", "VBATCH_INPUTS", "inputs-bucket"));
    Backend backend = new Backend("bq-test", new GcsBlobStore(storage, spec.staging().get()), jobs, WaitStep.Polling.EMULATOR,
        null, new dev.vbatch.storage.GcsObjects(storage), new BigQueryResults(bq.client("p")));
    BatchRun run = new BatchRun(spec, backend, tmp.resolve("out-n1"), tmp.resolve("home"), time, events::add);
    RunReport report = run.finish(run.begin("n1", false, 0, JobSpec.Mode.BATCH, JobSpec.Mode.BATCH));
    assertThat(report.succeeded()).as(events.toString()).isEqualTo(2);
    JsonNode job = bq.calls("POST", "/projects/p/jobs").get(0).body();
    assertThat(job.path("jobReference").path("location").asText()).isEqualTo("europe-west4");
    assertThat(job.path("configuration").path("load").path("destinationTable").path("tableId").asText()).isEqualTo("extracted");
    Map<String, String> types = new java.util.LinkedHashMap<>();
    job.path("configuration").path("load").path("schema").path("fields")
        .forEach(f -> types.put(f.path("name").asText(), f.path("type").asText()));
    // Scalars get typed columns; the invoice lines (an array) stay in the JSON column.
    assertThat(types).containsEntry("net", "FLOAT").containsEntry("due_date", "STRING").doesNotContainKey("lines");
    assertThat(stagedRows("n1")).extracting(r -> r.path("source").asText())
        .containsExactly("gs://inputs-bucket/scans/invoice-1001.pdf", "gs://inputs-bucket/scans/invoice-1002.pdf");
  }

  private List<String> objects(String prefix) {
    return cloud.objects("staging-bucket", prefix);
  }
}
