package dev.vbatch.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import dev.vbatch.event.Event;
import dev.vbatch.run.Backend;
import dev.vbatch.run.BatchRun;
import dev.vbatch.run.RunReport;
import dev.vbatch.run.WaitStep;
import dev.vbatch.spec.JobSpec;
import dev.vbatch.spec.SpecException;
import dev.vbatch.spec.SpecReader;
import dev.vbatch.storage.GcsBlobStore;
import dev.vbatch.storage.GcsObjects;
import dev.vbatch.testing.BigQueryStandIn;
import dev.vbatch.testing.FakeTime;
import dev.vbatch.testing.InMemoryCloud;
import dev.vbatch.testing.SampleFiles;
import dev.vbatch.util.Json;
import dev.vbatch.vertex.CloudException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BigQuery as input and as staging, against the BigQuery stand-in and an in-memory Cloud Storage:
 * a table's rows become items (columns mapped as in a CSV table), and requests staged as a BigQuery
 * table are loaded from the keyed shard files, read by the emulator as Vertex would read them, and
 * their predictions collected from the table the job names.
 */
class BigQueryTablesTest {
  @TempDir Path tmp;
  final FakeTime time = new FakeTime();
  final List<Event> events = new ArrayList<>();
  final Storage storage = LocalStorageHelper.getOptions().getService();
  BigQueryStandIn bq;
  BigQuery client;
  InMemoryCloud cloud;

  @BeforeEach
  void setUp() throws Exception {
    bq = new BigQueryStandIn(storage);
    bq.datasets.put("staging", "us-central1");
    client = bq.client("p");
    cloud = new InMemoryCloud(storage, client, tmp.resolve("emulator"), time, events::add);
  }

  @AfterEach
  void tearDown() {
    cloud.close();
    bq.close();
  }

  private JobSpec spec(String input, String extra) throws Exception {
    Files.writeString(tmp.resolve("schema.json"), SampleFiles.TOTAL_VENDOR_SCHEMA);
    Files.writeString(tmp.resolve("job.yaml"), "name: bq\nmodel: gemini-2.5-flash\nbackend: vertex\nproject: p\n"
        + "location: us-central1\nstaging: gs://staging-bucket/vbatch\ninput:\n" + input
        + "prompt:\n  user: 'Extract the fields (${region}, opened ${opened}).'\nschema: schema.json\n" + extra);
    return SpecReader.read(tmp.resolve("job.yaml"), Map.of());
  }

  private RunReport run(JobSpec spec, String runId) throws Exception {
    BigQueryTables tables = new BigQueryTables(client);
    var jobs = spec.stagingDataset().isPresent()
        ? new BigQueryStaging(cloud.jobs, client, spec.stagingDataset().get(), spec.location(), events::add) : cloud.jobs;
    Backend backend = new Backend("bq-test", BigQueryStaging.readingTables(new GcsBlobStore(storage, "gs://staging-bucket/vbatch"), tables),
        jobs, WaitStep.Polling.EMULATOR, null, new BigQueryInputs(new GcsObjects(storage), tables), new BigQueryResults(client));
    BatchRun run = new BatchRun(spec, backend, tmp.resolve("out-" + runId), tmp.resolve("home-" + runId), time, events::add);
    return run.finish(run.begin(runId, false, 0, JobSpec.Mode.BATCH, JobSpec.Mode.BATCH));
  }

  private void inputTable() throws IOException {
    Map<String, String> columns = new LinkedHashMap<>();
    columns.put("ticket", "STRING");
    columns.put("body", "STRING");
    columns.put("scan", "STRING");
    columns.put("region", "STRING");
    columns.put("unused", "INTEGER");
    columns.put("opened", "TIMESTAMP");
    BigQueryStandIn.Table table = new BigQueryStandIn.Table(columns);
    table.rows().add(row("t-1", "Vendor: Text Co\nTotal: 2", null, "north"));
    table.rows().add(row("t-2", "Read the image", "gs://inputs/r.png", "south"));
    table.rows().add(row("t-3", null, null, "east"));
    table.rows().add(row("t-1", "Vendor: Again\nTotal: 9", null, "west"));
    table.rows().add(row("t-5", "Read it", "scans/r.png", "west"));
    bq.tables.put("p.sales.tickets", table);
    Path png = tmp.resolve("r.png");
    SampleFiles.png(png, Map.of("Vendor", "Pic Shop", "Total", "3.50"));
    storage.create(BlobInfo.newBuilder(BlobId.of("inputs", "r.png")).setContentType("image/png").build(), Files.readAllBytes(png));
  }

  private static Map<String, String> row(String ticket, String body, String scan, String region) {
    Map<String, String> row = new LinkedHashMap<>();
    row.put("ticket", ticket);
    row.put("body", body);
    row.put("scan", scan);
    row.put("region", region);
    row.put("unused", "7");
    row.put("opened", "1.7635536E9");
    return row;
  }

  private List<JsonNode> results(String runId) throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(tmp.resolve("out-" + runId + "/results.jsonl"))) {
      lines.add(Json.MAPPER.readTree(line));
    }
    return lines;
  }

  @Test
  void theRowsOfABigQueryTableAreItemsWithTheirColumnsMappedAsInACsvTable() throws Exception {
    inputTable();
    JobSpec spec = spec("  table:\n    bigquery: sales.tickets\n    textColumn: body\n    fileColumn: scan\n    idColumn: ticket\n", "");
    assertThat(spec.input().table().get().columns()).containsExactly("body", "scan", "ticket", "opened", "region");

    RunReport report = run(spec, "r1");

    assertThat(report.succeeded()).as(events.toString()).isEqualTo(2);
    List<JsonNode> lines = results("r1");
    assertThat(lines).extracting(n -> n.path("source").asText() + ":" + n.path("status").asText())
        .containsExactly("t-1:succeeded", "t-2:succeeded", "t-3:skipped", "t-1:skipped", "p.sales.tickets:5:skipped");
    assertThat(lines.get(0).path("data").path("vendor").asText()).isEqualTo("Text Co");
    assertThat(lines.get(1).path("data").path("vendor").asText()).isEqualTo("Pic Shop");
    assertThat(lines.get(2).path("error").path("reason").asText()).isEqualTo("empty-row");
    assertThat(lines.get(3).path("error").path("reason").asText()).isEqualTo("duplicate-id");
    assertThat(lines.get(4).path("error").path("message").asText())
        .isEqualTo("p.sales.tickets row 5: column 'scan' is 'scans/r.png'; a BigQuery table's file column must hold gs:// URIs");
    // The rows were read from the table, and the image was referenced where it is, not copied.
    assertThat(bq.calls("GET", "/projects/p/datasets/sales/tables/tickets/data")).hasSize(1);
    assertThat(cloud.objects("staging-bucket", "vbatch/files/")).isEmpty();
    String shard = new String(storage.readAllBytes(BlobId.of("staging-bucket", "vbatch/runs/r1/requests/shard-00000.jsonl")));
    assertThat(shard).contains("gs://inputs/r.png").contains("(north, opened 2025-11-19T12:00:00Z)").contains("(south");
  }

  @Test
  void aColumnTheJobUsesThatTheTableLacksIsNamedBeforeAnythingIsStaged() throws Exception {
    inputTable();
    JobSpec spec = spec("  table:\n    bigquery: p.sales.tickets\n    textColumn: text\n", "");
    assertThatThrownBy(() -> run(spec, "r1"))
        .hasMessageContaining("BigQuery table p.sales.tickets has no column text (named in input.table or used in the prompt); "
            + "its columns are: ticket, body, scan, region, unused, opened");
    assertThat(cloud.objects("staging-bucket", "vbatch/")).isEmpty();
  }

  @Test
  void aMissingInputTableIsOneLineNamingTheProperty() throws Exception {
    JobSpec spec = spec("  table:\n    bigquery: sales.nothing\n    textColumn: body\n", "");
    assertThatThrownBy(() -> run(spec, "r1"))
        .isInstanceOf(CloudException.class)
        .hasMessage("BigQuery table p.sales.nothing does not exist; fix input.table.bigquery");
  }

  @Test
  void bigQueryInputAndStagingSettingsAreCheckedWhenTheSpecIsRead() throws Exception {
    Files.writeString(tmp.resolve("schema.json"), "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}");
    Files.writeString(tmp.resolve("job.yaml"), "name: bq\nmodel: gemini-2.5-flash\nlocation: global\n"
        + "input:\n  table:\n    bigquery: not a table\n    textColumn: body\nprompt:\n  user: Go\nschema: schema.json\n"
        + "stagingDataset: a.b.c\n");
    assertThatThrownBy(() -> SpecReader.read(tmp.resolve("job.yaml"), Map.of()))
        .isInstanceOf(SpecException.class)
        .satisfies(e -> assertThat(((SpecException) e).problems()).anySatisfy(p -> assertThat(p)
                .contains("property 'input.table.bigquery' is 'not a table'; name a BigQuery table as [PROJECT.]DATASET.TABLE"))
            .anySatisfy(p -> assertThat(p).contains("property 'stagingDataset' is 'a.b.c'; give DATASET or PROJECT.DATASET")));
    Files.writeString(tmp.resolve("job.yaml"), "name: bq\nmodel: gemini-2.5-flash\nlocation: global\n"
        + "input:\n  table:\n    bigquery: p.sales.tickets\n    textColumn: body\nprompt:\n  user: Go\nschema: schema.json\n"
        + "stagingDataset: staging\n");
    assertThatThrownBy(() -> SpecReader.read(tmp.resolve("job.yaml"), Map.of()))
        .satisfies(e -> assertThat(((SpecException) e).problems())
            .anySatisfy(p -> assertThat(p).contains("property 'input.table.bigquery' names a BigQuery table, and the emulator backend reads local files only"))
            .anySatisfy(p -> assertThat(p).contains("property 'stagingDataset' needs backend: vertex"))
            .anySatisfy(p -> assertThat(p).contains("property 'stagingDataset' cannot be used with location: global")));
  }

  @Test
  void requestsStagedAsBigQueryTablesGiveTheSameResultsAsJsonlFiles() throws Exception {
    inputTable();
    String input = "  table:\n    bigquery: sales.tickets\n    textColumn: body\n    fileColumn: scan\n    idColumn: ticket\n";
    RunReport jsonl = run(spec(input, "limits:\n  maxRequestsPerShard: 1\n"), "plain");
    RunReport staged = run(spec(input, "limits:\n  maxRequestsPerShard: 1\nstagingDataset: staging\n"), "r1");

    assertThat(staged.succeeded()).as(events.toString()).isEqualTo(2).isEqualTo(jsonl.succeeded());
    assertThat(Files.readString(tmp.resolve("out-r1/results.jsonl"))).isEqualTo(Files.readString(tmp.resolve("out-plain/results.jsonl")));

    // Each shard's keyed file was loaded into its own request table, replacing what a crashed attempt left.
    List<BigQueryStandIn.Call> loads = bq.calls("POST", "/projects/p/jobs");
    assertThat(loads).hasSize(2);
    JsonNode load = loads.get(0).body().path("configuration").path("load");
    assertThat(loads.get(0).body().path("jobReference").path("jobId").asText()).isEqualTo("vbatch_load_vbatch_requests_r1_00000");
    assertThat(load.path("sourceUris").get(0).asText()).isEqualTo("gs://staging-bucket/vbatch/runs/r1/requests/shard-00000.jsonl");
    assertThat(load.path("destinationTable").path("datasetId").asText()).isEqualTo("staging");
    assertThat(load.path("destinationTable").path("tableId").asText()).isEqualTo("vbatch_requests_r1_00000");
    assertThat(load.path("writeDisposition").asText()).isEqualTo("WRITE_TRUNCATE");
    assertThat(load.path("schema").toString()).contains("\"name\":\"vbatch_key\",\"type\":\"STRING\"")
        .contains("\"name\":\"request\",\"type\":\"JSON\"");
    BigQueryStandIn.Table requests = bq.tables.get("p.staging.vbatch_requests_r1_00000");
    assertThat(requests.rows()).hasSize(1);
    assertThat(requests.rows().get(0).get("vbatch_key")).matches("vb-[0-9a-f]{32}");

    // The emulator read the request table and wrote a predictions table per shard, key column passed
    // through; the run collected from the table each job named.
    BigQueryStandIn.Table predictions = bq.tables.get("p.staging.vbatch_predictions_r1_00000");
    assertThat(predictions.columns()).containsKeys("vbatch_key", "request", "response", "status");
    assertThat(predictions.rows().get(0).get("vbatch_key")).isEqualTo(requests.rows().get(0).get("vbatch_key"));
    assertThat(bq.calls("GET", "/tables/vbatch_predictions_r1_00000/data")).isNotEmpty();
    assertThat(Files.readString(tmp.resolve("home-r1/runs/r1/state.json")))
        .contains("\"outputDirectory\" : \"bq://p.staging.vbatch_predictions_r1_00000\"");

    // Deleting the run's jobs deletes their tables too, and nothing of the other run's.
    BigQueryStaging staging = new BigQueryStaging(cloud.jobs, client, "p.staging", "us-central1", events::add);
    for (var job : cloud.jobs.findByLabels(Map.of("vbatch-run", "r1"))) {
      staging.delete(job.name());
    }
    assertThat(bq.tables.keySet()).noneMatch(t -> t.contains("_r1_")).contains("p.sales.tickets");
    assertThat(cloud.jobs.findByLabels(Map.of("vbatch-run", "r1"))).isEmpty();
  }

  @Test
  void theNightlyTicketsExampleRunsUnchanged() throws Exception {
    bq.datasets.put("vbatch", "europe-west4");
    Map<String, String> columns = new LinkedHashMap<>();
    for (String c : List.of("ticket_id", "subject", "body", "screenshot_uri", "product", "created_at")) {
      columns.put(c, "STRING");
    }
    BigQueryStandIn.Table tickets = new BigQueryStandIn.Table(columns);
    tickets.rows().add(new LinkedHashMap<>(Map.of("ticket_id", "T-100", "subject", "Invoice wrong",
        "body", "Vendor: Acme\nTotal: 12", "product", "drills")));
    tickets.rows().add(new LinkedHashMap<>(Map.of("ticket_id", "T-101", "subject", "Broken on arrival",
        "body", "See the photo.", "screenshot_uri", "gs://inputs/r.png", "product", "saws")));
    bq.tables.put("p.support.tickets", tickets);
    Path png = tmp.resolve("r.png");
    SampleFiles.png(png, Map.of("Vendor", "Pic Shop", "Total", "3.50"));
    storage.create(BlobInfo.newBuilder(BlobId.of("inputs", "r.png")).setContentType("image/png").build(), Files.readAllBytes(png));

    JobSpec spec = SpecReader.read(Path.of("jobs/nightly-tickets/job.yaml"),
        Map.of("GOOGLE_CLOUD_PROJECT", "p", "VBATCH_BUCKET", "staging-bucket", "VBATCH_DATASET", "vbatch"));
    RunReport report = run(spec, "n1");

    assertThat(report.succeeded()).as(events.toString()).isEqualTo(2);
    assertThat(bq.tables).containsKeys("p.vbatch.vbatch_requests_n1_00000", "p.vbatch.vbatch_predictions_n1_00000");
    JsonNode resultsLoad = bq.calls("POST", "/projects/p/jobs").stream().map(BigQueryStandIn.Call::body)
        .filter(b -> b.path("jobReference").path("jobId").asText().equals("vbatch_results_n1")).findFirst().orElseThrow();
    assertThat(resultsLoad.path("jobReference").path("location").asText()).isEqualTo("europe-west4");
    assertThat(resultsLoad.path("configuration").path("load").path("destinationTable").path("tableId").asText()).isEqualTo("ticket_triage");
    assertThat(resultsLoad.path("configuration").path("load").path("schema").toString())
        .contains("{\"name\":\"refund_requested\",\"type\":\"BOOLEAN\"");
    assertThat(results("n1")).extracting(n -> n.path("source").asText()).containsExactly("T-100", "T-101");
  }

  @Test
  void creatingAShardsJobAgainAfterACrashFindsItsLoadDone() throws Exception {
    storage.create(BlobInfo.newBuilder(BlobId.of("staging-bucket", "s/shard-00000.jsonl")).build(),
        "{\"vbatch_key\":\"k1\",\"request\":{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Vendor: A\\nTotal: 1\"}]}]}}\n".getBytes());
    BigQueryStaging staging = new BigQueryStaging(cloud.jobs, client, "p.staging", "us-central1", events::add);
    var request = new dev.vbatch.vertex.JobRequest("vbatch-x-r9-00000", "publishers/google/models/gemini-2.5-flash",
        List.of("gs://staging-bucket/s/shard-00000.jsonl"), "gs://unused", Map.of("vbatch-run", "r9", "vbatch-shard", "00000"));
    staging.create(request);
    staging.create(request);
    assertThat(bq.calls("POST", "/projects/p/jobs")).hasSize(2);
    assertThat(bq.calls("GET", "/jobs/vbatch_load_vbatch_requests_r9_00000")).isNotEmpty();
    assertThat(bq.tables.get("p.staging.vbatch_requests_r9_00000").rows()).hasSize(1);
  }

  @Test
  void aStagingDatasetInAnotherRegionStopsTheRunBeforeAnythingIsSubmitted() throws Exception {
    bq.datasets.put("staging", "europe-west4");
    inputTable();
    JobSpec spec = spec("  table:\n    bigquery: sales.tickets\n    textColumn: body\n", "stagingDataset: staging\n");
    assertThatThrownBy(() -> run(spec, "r1"))
        .isInstanceOf(CloudException.class)
        .hasMessageContaining("BigQuery dataset p.staging is in europe-west4 and the job runs in us-central1; use a dataset in "
            + "us-central1 for stagingDataset");
    assertThat(bq.calls("POST", "/jobs")).isEmpty();
  }
}
