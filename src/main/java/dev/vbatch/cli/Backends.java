package dev.vbatch.cli;

import com.google.api.gax.rpc.FixedHeaderProvider;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import dev.vbatch.bigquery.BigQueryInputs;
import dev.vbatch.bigquery.BigQueryResults;
import dev.vbatch.bigquery.BigQueryStaging;
import dev.vbatch.bigquery.BigQueryTables;
import dev.vbatch.emulator.EmulatorConfig;
import dev.vbatch.emulator.EmulatorServer;
import dev.vbatch.event.EventSink;
import dev.vbatch.run.Backend;
import dev.vbatch.run.WaitStep;
import dev.vbatch.spec.JobSpec;
import dev.vbatch.storage.BlobStore;
import dev.vbatch.input.RemoteObjects;
import dev.vbatch.storage.GcsBlobStore;
import dev.vbatch.storage.GcsObjects;
import dev.vbatch.storage.GcsResults;
import dev.vbatch.run.ResultsExport;
import dev.vbatch.storage.LocalBlobStore;
import dev.vbatch.util.TimeSource;
import dev.vbatch.vertex.BatchJobs;
import dev.vbatch.vertex.VertexBatchJobs;
import dev.vbatch.vertex.OnlineModel;
import dev.vbatch.vertex.VertexOnlineModel;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Wires a spec's backend: for the emulator, a local staging directory and an emulator started in
 * this process (or one already running at --emulator-endpoint); for Vertex, Cloud Storage and the
 * regional endpoint with Application Default Credentials.
 */
final class Backends implements AutoCloseable {
  final Backend backend;
  private final EmulatorServer server;

  private Backends(Backend backend, EmulatorServer server) {
    this.backend = backend;
    this.server = server;
  }

  static Backends open(JobSpec spec, Path home, EmulatorConfig emulator, String emulatorEndpoint,
      TimeSource time, EventSink events) throws IOException {
    String version = Main.version();
    if (spec.backend() == JobSpec.Backend.EMULATOR) {
      BlobStore store = new LocalBlobStore(Path.of(spec.staging().orElse(home.resolve("staging").toString())));
      EmulatorServer server = null;
      String endpoint = emulatorEndpoint;
      if (endpoint == null) {
        server = EmulatorServer.start(0, home.resolve("emulator"), emulator, time);
        endpoint = server.endpoint();
        events.debug("emulator listening on " + endpoint + " with data in " + home.resolve("emulator"));
      }
      VertexBatchJobs jobs = VertexBatchJobs.connect(endpoint, true, "vbatch-emulator", "local", version, time, events);
      String at = endpoint;
      OnlineModel online = new Lazy(() -> VertexOnlineModel.connect(at, true, "vbatch-emulator", "local",
          spec.modelResource(), spec.online().concurrency(), version));
      return new Backends(new Backend("emulator", store, jobs, WaitStep.Polling.EMULATOR, online), server);
    }
    dev.vbatch.vertex.Credentials.requireApplicationDefault();
    String location = spec.location();
    String endpoint = (location.equals("global") ? "" : location + "-") + "aiplatform.googleapis.com:443";
    Storage storage = storage(spec);
    BigQuery bigquery = bigquery(spec);
    BigQueryTables tables = new BigQueryTables(bigquery);
    BlobStore store = BigQueryStaging.readingTables(new GcsBlobStore(storage, spec.staging().orElseThrow()), tables);
    BatchJobs jobs = VertexBatchJobs.connect(endpoint, false, spec.project().orElseThrow(), location, version, time, events);
    if (spec.stagingDataset().isPresent()) {
      jobs = new BigQueryStaging(jobs, bigquery, spec.stagingDataset().get(), location, events);
    }
    OnlineModel online = new Lazy(() -> VertexOnlineModel.connect(endpoint, false, spec.project().orElseThrow(), location,
        spec.modelResource(), spec.online().concurrency(), version));
    return new Backends(new Backend("vertex", store, jobs, WaitStep.Polling.VERTEX, online,
        new BigQueryInputs(new GcsObjects(storage), tables),
        ResultsExport.both(new BigQueryResults(bigquery), new GcsResults(storage))), null);
  }

  /**
   * Where a plan with no backend open looks up gs:// inputs: Cloud Storage for Vertex (with
   * Application Default Credentials), nowhere for the emulator, which reads local files.
   */
  static RemoteObjects inputs(JobSpec spec) throws IOException {
    if (spec.backend() == JobSpec.Backend.EMULATOR || !spec.input().mayReadCloud()) {
      return RemoteObjects.NONE;
    }
    dev.vbatch.vertex.Credentials.requireApplicationDefault();
    return new BigQueryInputs(new GcsObjects(storage(spec)), new BigQueryTables(bigquery(spec)));
  }

  private static Storage storage(JobSpec spec) {
    return StorageOptions.newBuilder().setProjectId(spec.project().orElseThrow()).build().getService();
  }

  private static BigQuery bigquery(JobSpec spec) {
    return BigQueryOptions.newBuilder().setProjectId(spec.project().orElseThrow())
        .setHeaderProvider(FixedHeaderProvider.create("user-agent", "vbatch/" + Main.version())).build().getService();
  }

  /** Opens the online client on the first call, so a run that sends nothing online never creates one. */
  private static final class Lazy implements OnlineModel {
    /** How the client is opened. */
    interface Opener {
      OnlineModel open() throws IOException;
    }

    private final Opener opener;
    private OnlineModel model;

    Lazy(Opener opener) {
      this.opener = opener;
    }

    private synchronized OnlineModel model() {
      if (model == null) {
        try {
          model = opener.open();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      return model;
    }

    @Override
    public java.util.concurrent.CompletableFuture<com.google.cloud.aiplatform.v1.GenerateContentResponse> generate(
        com.google.cloud.aiplatform.v1.GenerateContentRequest request) {
      return model().generate(request);
    }

    @Override
    public synchronized void close() {
      if (model != null) {
        model.close();
      }
    }
  }

  @Override
  public void close() {
    backend.jobs().close();
    backend.online().close();
    if (server != null) {
      server.close();
    }
  }
}
