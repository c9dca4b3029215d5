package dev.vbatch.cli;

import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.storage.StorageOptions;
import dev.vbatch.bigquery.BigQueryStaging;
import dev.vbatch.bigquery.BigQueryTables;
import dev.vbatch.emulator.EmulatorServer;
import dev.vbatch.event.EventSink;
import dev.vbatch.storage.BlobStore;
import dev.vbatch.storage.GcsBlobStore;
import dev.vbatch.storage.LocalBlobStore;
import dev.vbatch.vertex.BatchJob;
import dev.vbatch.vertex.VertexBatchJobs;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The project's batch jobs, whoever made them, and where to read their output: Vertex AI in
 * --project and --location (Application Default Credentials), or without a project the emulator
 * (--emulator-endpoint, else the one whose data is in HOME/emulator, where runs on the emulator
 * backend keep their jobs).
 */
final class ElsewhereJobs {
  @Option(names = "--project", paramLabel = "PROJECT",
      description = "The Google Cloud project whose Vertex AI batch jobs to use (default: the emulator's).")
  String project;

  @Option(names = "--location", paramLabel = "REGION", defaultValue = "us-central1",
      description = "The Vertex AI region of the jobs (default: ${DEFAULT-VALUE}).")
  String location;

  /** An open connection to the jobs, and a store that reads any job's output. */
  static final class Open implements AutoCloseable {
    final VertexBatchJobs jobs;
    private final EmulatorServer server;
    private final boolean vertex;
    private final String project;

    private Open(VertexBatchJobs jobs, EmulatorServer server, boolean vertex, String project) {
      this.jobs = jobs;
      this.server = server;
      this.vertex = vertex;
      this.project = project;
    }

    /** Reads the output of {@code job}: files under its output prefix, or its predictions table. */
    BlobStore outputOf(BatchJob job) {
      String out = job.outputDirectory().orElse("");
      if (!vertex) {
        return new LocalBlobStore(out.startsWith("file:") ? LocalBlobStore.toPath(out) : Path.of("."));
      }
      var bigquery = BigQueryOptions.newBuilder().setProjectId(project).build().getService();
      var storage = StorageOptions.newBuilder().setProjectId(project).build().getService();
      String prefix = out.startsWith("gs://") ? out : "gs://unused/";
      return BigQueryStaging.readingTables(new GcsBlobStore(storage, prefix), new BigQueryTables(bigquery));
    }

    @Override
    public void close() {
      jobs.close();
      if (server != null) {
        server.close();
      }
    }
  }

  Open open(CommandLine cmd, Path home, EmulatorOptions emulator, EmulatorEndpoint endpoint, Context context,
      EventSink events) throws IOException {
    if (!location.equals("global") && !location.matches("[a-z]+-[a-z]+[0-9]+")) {
      throw new CommandLine.ParameterException(cmd, "--location is '" + location + "'; use a Vertex AI region such as us-central1");
    }
    if (project != null) {
      dev.vbatch.vertex.Credentials.requireApplicationDefault();
      String host = (location.equals("global") ? "" : location + "-") + "aiplatform.googleapis.com:443";
      return new Open(VertexBatchJobs.connect(host, false, project, location, Main.version(), context.time(), events),
          null, true, project);
    }
    EmulatorServer server = null;
    String at = endpoint.value;
    if (at == null) {
      server = EmulatorServer.start(0, home.resolve("emulator"), emulator.config(cmd.getCommandSpec()), context.time());
      at = server.endpoint();
    }
    return new Open(VertexBatchJobs.connect(at, true, "vbatch-emulator", "local", Main.version(), context.time(), events),
        server, false, "vbatch-emulator");
  }

  /** A job's full name from what the user typed: a full resource name, or the id alone. */
  String fullName(String job) {
    if (job.startsWith("projects/")) {
      return job;
    }
    return "projects/" + (project != null ? project : "vbatch-emulator") + "/locations/" + (project != null ? location : "local")
        + "/batchPredictionJobs/" + job;
  }
}
