package dev.vbatch.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vbatch.event.Event;
import dev.vbatch.run.Backend;
import dev.vbatch.run.BatchRun;
import dev.vbatch.run.RunReport;
import dev.vbatch.run.WaitStep;
import dev.vbatch.spec.JobSpec;
import dev.vbatch.spec.SpecException;
import dev.vbatch.spec.SpecReader;
import dev.vbatch.testing.FakeTime;
import dev.vbatch.testing.InMemoryCloud;
import dev.vbatch.util.Json;
import dev.vbatch.vertex.VertexBatchJobs;
import java.io.IOException;
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
 * Inputs already in Cloud Storage, on an in-memory Storage: a gs:// prefix is listed and its files
 * referenced where they are (never copied to staging), the emulator reads them from the same
 * store, and a replaced object is sent again on the next run while the others reuse their answers.
 */
class GcsInputsTest {
  static final Path SAMPLES = Path.of("samples/invoices");

  @TempDir Path tmp;
  final FakeTime time = new FakeTime();
  final List<Event> events = new ArrayList<>();
  final Storage storage = LocalStorageHelper.getOptions().getService();
  InMemoryCloud cloud;
  VertexBatchJobs jobs;

  @BeforeEach
  void setUp() throws Exception {
    try (var files = Files.list(SAMPLES)) {
      for (Path f : files.sorted().toList()) {
        put("scans/2026-11/" + f.getFileName(), Files.readAllBytes(f), null);
      }
    }
    put("scans/2026-11/notes/.keep", new byte[0], null);
    put("scans/2026-11/archive.zip", new byte[] {'P', 'K', 3, 4}, "application/zip");
    cloud = new InMemoryCloud(storage, tmp.resolve("emulator"), time, events::add);
    jobs = cloud.jobs;
  }

  @AfterEach
  void tearDown() {
    cloud.close();
  }

  private void put(String name, byte[] bytes, String type) {
    storage.create(BlobInfo.newBuilder(BlobId.of("inputs-bucket", name)).setContentType(type).build(), bytes);
  }

  private JobSpec spec(String input) throws IOException, SpecException {
    Path dir = tmp.resolve("job");
    Files.createDirectories(dir);
    Files.copy(Path.of("jobs/sample-invoices/prompt.yaml"), dir.resolve("prompt.yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.copy(Path.of("jobs/sample-invoices/schema.json"), dir.resolve("schema.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(dir.resolve("job.yaml"), """
        name: cloud-invoices
        model: gemini-2.5-flash
        backend: vertex
        project: p
        staging: gs://staging-bucket/vbatch
        input:
        %s
        prompt: prompt.yaml
        schema: schema.json
        """.formatted(input.indent(2)));
    return SpecReader.read(dir.resolve("job.yaml"), Map.of());
  }

  private RunReport run(JobSpec spec, String runId) throws Exception {
    Backend backend = new Backend("gcs-test", new GcsBlobStore(storage, "gs://staging-bucket/vbatch"), jobs,
        WaitStep.Polling.EMULATOR, null, new GcsObjects(storage));
    BatchRun run = new BatchRun(spec, backend, tmp.resolve("out-" + runId), tmp.resolve("home"), time, events::add);
    return run.finish(run.begin(runId, false, 0, JobSpec.Mode.BATCH, JobSpec.Mode.BATCH));
  }

  private List<String> objects(String bucket, String prefix) {
    return cloud.objects(bucket, prefix);
  }

  private List<JsonNode> results(String runId) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(tmp.resolve("out-" + runId).resolve("results.jsonl"))) {
      out.add(Json.MAPPER.readTree(line));
    }
    return out;
  }

  private String shard(String runId) {
    byte[] bytes = storage.readAllBytes(BlobId.of("staging-bucket", "vbatch/runs/" + runId + "/requests/shard-00000.jsonl"));
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Test
  void aPrefixIsListedAndItsFilesReferencedWhereTheyAre() throws Exception {
    RunReport report = run(spec("files: gs://inputs-bucket/scans/2026-11"), "r1");

    List<JsonNode> results = results("r1");
    // Seven samples and the zip, each accounted for; the folder placeholder and dot-files are not items.
    assertThat(results).extracting(n -> n.path("source").asText()).containsExactly(
        "gs://inputs-bucket/scans/2026-11/archive.zip",
        "gs://inputs-bucket/scans/2026-11/invoice-1001.pdf", "gs://inputs-bucket/scans/2026-11/invoice-1002.pdf",
        "gs://inputs-bucket/scans/2026-11/invoice-1003.txt", "gs://inputs-bucket/scans/2026-11/invoice-1004.md",
        "gs://inputs-bucket/scans/2026-11/receipt-2001.png", "gs://inputs-bucket/scans/2026-11/receipt-2002.png",
        "gs://inputs-bucket/scans/2026-11/receipt-2003.jpg");
    assertThat(report.succeeded()).as(events.toString()).isEqualTo(7);
    assertThat(results.get(0).path("status").asText()).isEqualTo("skipped");
    assertThat(results.get(0).path("error").path("reason").asText()).isEqualTo("unsupported-type");
    assertThat(results.get(0).path("error").path("message").asText()).contains("application/zip");
    // The emulator read the files from the store: invoice 1001's number comes from the PDF's text.
    assertThat(results.get(1).path("data").toString()).contains("INV-1001");
    // Nothing was copied: the requests reference the objects where they are.
    assertThat(objects("staging-bucket", "vbatch/files/")).isEmpty();
    String shard = shard("r1");
    assertThat(shard).contains("\"fileUri\":\"gs://inputs-bucket/scans/2026-11/invoice-1001.pdf\"")
        .contains("\"fileUri\":\"gs://inputs-bucket/scans/2026-11/receipt-2003.jpg\"");
    // Even text files are referenced, not read (vbatch does not download them).
    assertThat(shard).contains("\"fileUri\":\"gs://inputs-bucket/scans/2026-11/invoice-1003.txt\"");
  }

  @Test
  void aReplacedObjectIsSentAgainAndTheOthersReuseTheirAnswers() throws Exception {
    JobSpec spec = spec("files: gs://inputs-bucket/scans/2026-11/*.png");
    RunReport first = run(spec, "r1");
    assertThat(first.succeeded()).isEqualTo(2);

    RunReport same = run(spec, "r2");
    assertThat(same.succeeded()).isEqualTo(2);
    assertThat(results("r2")).allSatisfy(n -> assertThat(n.path("reused").asBoolean()).as(n.toString()).isTrue());

    // Same name, new content: the request names the same URI, but the object's version changed.
    put("scans/2026-11/receipt-2002.png", Files.readAllBytes(SAMPLES.resolve("receipt-2001.png")), "image/png");
    RunReport third = run(spec, "r3");
    assertThat(third.succeeded()).isEqualTo(2);
    List<JsonNode> results = results("r3");
    assertThat(results.get(0).path("reused").asBoolean()).isTrue();
    assertThat(results.get(1).path("reused").asBoolean()).as(results.get(1).toString()).isFalse();
    assertThat(shard("r3").lines().count()).isEqualTo(1);
  }

  @Test
  void aTableMayNameFilesInCloudStorage() throws Exception {
    Path dir = tmp.resolve("job");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("rows.csv"), """
        id,uri
        a,gs://inputs-bucket/scans/2026-11/invoice-1002.pdf
        b,gs://inputs-bucket/scans/2026-11/gone.pdf
        """);
    JobSpec spec = spec("""
        table:
          path: rows.csv
          idColumn: id
          fileColumn: uri""");
    RunReport report = run(spec, "r1");
    List<JsonNode> results = results("r1");
    assertThat(report.succeeded()).isEqualTo(1);
    assertThat(results.get(0).path("data").toString()).contains("NW-1002");
    assertThat(results.get(1).path("status").asText()).isEqualTo("skipped");
    assertThat(results.get(1).path("error").path("reason").asText()).isEqualTo("missing-file");
    assertThat(results.get(1).path("error").path("message").asText()).isEqualTo("b (gs://inputs-bucket/scans/2026-11/gone.pdf) does not exist");
  }

  @Test
  void theEmulatorBackendRefusesAPrefixItCannotRead() throws Exception {
    Path dir = tmp.resolve("emu");
    Files.createDirectories(dir);
    Files.copy(Path.of("jobs/sample-invoices/schema.json"), dir.resolve("schema.json"));
    Files.writeString(dir.resolve("job.yaml"), """
        name: x
        model: gemini-2.5-flash
        input:
          files: gs://inputs-bucket/scans
        prompt: Extract.
        schema: schema.json
        """);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SpecReader.read(dir.resolve("job.yaml"), Map.of()))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("input.files").hasMessageContaining("emulator backend reads local files only");
  }

  @Test
  void theNightlyProductsExampleReadsPhotosFromABucketAndWritesResultsToOne() throws Exception {
    for (String name : List.of("receipt-2001.png", "receipt-2002.png", "receipt-2003.jpg")) {
      put("products/" + name, Files.readAllBytes(SAMPLES.resolve(name)), null);
    }
    JobSpec spec = SpecReader.read(Path.of("jobs/nightly-products/job.yaml"),
        Map.of("GOOGLE_CLOUD_PROJECT", "p", "VBATCH_BUCKET", "staging-bucket", "VBATCH_INPUTS", "inputs-bucket"));
    assertThat(spec.staging()).contains("gs://staging-bucket/vbatch");
    Backend backend = new Backend("gcs-test", new GcsBlobStore(storage, spec.staging().get()), jobs,
        WaitStep.Polling.EMULATOR, null, new GcsObjects(storage), new GcsResults(storage));
    BatchRun run = new BatchRun(spec, backend, tmp.resolve("out-products"), tmp.resolve("home"), time, events::add);
    RunReport report = run.finish(run.begin("n1", false, 0, JobSpec.Mode.BATCH, JobSpec.Mode.BATCH));
    assertThat(report.succeeded()).as(events.toString()).isEqualTo(3);
    assertThat(objects("staging-bucket", "results/products/n1/"))
        .containsExactly("results/products/n1/failures.jsonl", "results/products/n1/results.jsonl", "results/products/n1/summary.json");
    String results = new String(storage.readAllBytes(BlobId.of("staging-bucket", "results/products/n1/results.jsonl")), StandardCharsets.UTF_8);
    assertThat(results.lines()).hasSize(3).allSatisfy(l -> assertThat(l).contains("\"photo_quality\""));
    assertThat(results).contains("\"source\":\"gs://inputs-bucket/products/receipt-2001.png\"");
  }

  @Test
  void anUnsetEnvironmentVariableIsNamedWithItsProperty() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SpecReader.read(Path.of("jobs/nightly-products/job.yaml"),
            Map.of("GOOGLE_CLOUD_PROJECT", "p", "VBATCH_INPUTS", "inputs-bucket")))
        .isInstanceOf(SpecException.class)
        .satisfies(e -> assertThat(((SpecException) e).problems())
            .anySatisfy(p -> assertThat(p).contains("property 'staging' uses ${env:VBATCH_BUCKET}, and VBATCH_BUCKET is not set"))
            .anySatisfy(p -> assertThat(p).contains("property 'resultsUri' uses ${env:VBATCH_BUCKET}, and VBATCH_BUCKET is not set")));
  }
}
