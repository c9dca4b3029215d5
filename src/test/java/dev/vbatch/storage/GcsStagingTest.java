package dev.vbatch.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import dev.vbatch.event.Event;
import dev.vbatch.run.Backend;
import dev.vbatch.run.BatchRun;
import dev.vbatch.run.RunReport;
import dev.vbatch.run.WaitStep;
import dev.vbatch.spec.JobSpec;
import dev.vbatch.spec.SpecReader;
import dev.vbatch.testing.FakeTime;
import dev.vbatch.testing.InMemoryCloud;
import dev.vbatch.vertex.VertexBatchJobs;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Cloud Storage path end to end on an in-memory Storage: files and shards staged to gs://, the
 * emulator reading its inputs and the files from the same store and writing predictions there, and
 * vbatch reading them back.
 */
class GcsStagingTest {
  static final Path SPEC = Path.of("jobs/sample-invoices/job.yaml");

  @TempDir Path tmp;
  final FakeTime time = new FakeTime();
  final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  final List<Event> events = new ArrayList<>();
  Storage storage;
  InMemoryCloud cloud;
  VertexBatchJobs jobs;

  @BeforeEach
  void setUp() throws Exception {
    Storage memory = LocalStorageHelper.getOptions().getService();
    // Counts the calls vbatch makes, to see what is uploaded and what is skipped.
    storage = (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class}, (p, m, args) -> {
      calls.computeIfAbsent(m.getName(), k -> new AtomicInteger()).incrementAndGet();
      try {
        return m.invoke(memory, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    });
    cloud = new InMemoryCloud(storage, tmp.resolve("emulator"), time, events::add);
    jobs = cloud.jobs;
  }

  @AfterEach
  void tearDown() {
    cloud.close();
  }

  private RunReport run(String runId, boolean refresh) throws Exception {
    JobSpec spec = SpecReader.read(SPEC, Map.of());
    Backend backend = new Backend("gcs-test", new GcsBlobStore(storage, "gs://staging-bucket/vbatch"), jobs, WaitStep.Polling.EMULATOR, null);
    BatchRun run = new BatchRun(spec, backend, tmp.resolve("out-" + runId), tmp.resolve("home"), time, events::add);
    return run.finish(run.begin(runId, refresh, 0, JobSpec.Mode.BATCH, JobSpec.Mode.BATCH));
  }

  private List<String> objects(String prefix) {
    return cloud.objects("staging-bucket", prefix);
  }

  @Test
  void aRunStagesToCloudStorageAndReadsPredictionsBackFromIt() throws Exception {
    RunReport report = run("r1", false);
    assertThat(report.succeeded()).as(events.toString()).isEqualTo(7);
    // The PDFs and images, content-addressed; text and Markdown go inline.
    List<String> files = objects("vbatch/files/");
    assertThat(files).hasSize(5).allSatisfy(f -> assertThat(f).matches("vbatch/files/[0-9a-f]{64}\\.(pdf|png|jpg)"));
    Blob pdf = storage.get(BlobId.of("staging-bucket", files.stream().filter(f -> f.endsWith(".pdf")).findFirst().orElseThrow()));
    assertThat(pdf.getContentType()).isEqualTo("application/pdf");
    assertThat(objects("vbatch/runs/r1/requests/")).containsExactly("vbatch/runs/r1/requests/shard-00000.jsonl");
    // The emulator wrote its predictions to gs:// as one or more predictions files.
    assertThat(objects("vbatch/runs/r1/output/shard-00000/")).isNotEmpty()
        .allSatisfy(o -> assertThat(o).matches(".*/prediction-model-[^/]+/predictions_\\d{5}\\.jsonl"));
    List<String> results = Files.readAllLines(tmp.resolve("out-r1/results.jsonl"));
    assertThat(results).hasSize(7).allSatisfy(l -> assertThat(l).contains("\"status\":\"succeeded\""));
    assertThat(String.join("\n", results)).contains("INV-1001").contains("City Parking");
    assertThat(calls.get("createFrom").get()).isEqualTo(5);
  }

  @Test
  void filesAlreadyStagedAreNotUploadedAgain() throws Exception {
    run("r1", false);
    int uploads = calls.get("createFrom").get();
    RunReport again = run("r2", true);
    assertThat(again.succeeded()).isEqualTo(7);
    assertThat(calls.get("createFrom").get()).isEqualTo(uploads);
    assertThat(objects("vbatch/files/")).hasSize(5);
  }
}
