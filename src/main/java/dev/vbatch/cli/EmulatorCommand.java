package dev.vbatch.cli;

import dev.vbatch.emulator.EmulatorServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vbatch emulator}: the local Vertex AI emulator, standalone. */
@Command(
    name = "emulator",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the local Vertex AI emulator: a gRPC server on 127.0.0.1 speaking JobService's batch prediction "
          + "methods, with a deterministic model whose answers validate against each request's responseSchema. "
          + "Jobs live in the data directory, so other vbatch processes see them. Stop it with Ctrl+C.",
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  vbatch emulator --port 8765",
      "  vbatch emulator --port 8765 --emulator-fault row-error=0.1 --emulator-fault transient=0.05",
      "  vbatch emulator --port 8765 --gcs-root /tmp/buckets   # gs://b/in.jsonl is /tmp/buckets/b/in.jsonl",
      "  vbatch run jobs/sample-invoices/job.yaml --emulator-endpoint 127.0.0.1:8765",
    })
final class EmulatorCommand implements Callable<Integer> {
  @Spec CommandSpec commandSpec;

  @Mixin CommonOptions common;

  @Mixin EmulatorOptions emulator;

  @Option(names = "--port", paramLabel = "P", defaultValue = "8765", description = "Port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(names = "--data", paramLabel = "DIR", description = "Where jobs are kept (default: HOME/emulator).")
  Path data;

  @Option(names = "--gcs-root", paramLabel = "DIR",
      description = "Serve gs://BUCKET/PATH from DIR/BUCKET/PATH, so a client that uses real Cloud Storage URIs works "
          + "unchanged; a bucket is a folder, and a job whose output bucket has no folder fails as on Vertex "
          + "(default: DATA/gcs).")
  Path gcsRoot;

  private final Context context;

  EmulatorCommand(Context context) {
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    Path dataDir = data != null ? data : common.home(context.env()).resolve("emulator");
    PrintWriter out = commandSpec.commandLine().getOut();
    Path gcs = gcsRoot != null ? gcsRoot : dataDir.resolve("gcs");
    java.nio.file.Files.createDirectories(gcs);
    try (EmulatorServer server = EmulatorServer.start(port, dataDir, emulator.config(commandSpec), context.time(),
        dev.vbatch.storage.UriStore.gcsRoot(gcs))) {
      out.println("vbatch emulator listening on " + server.endpoint() + " (data in " + dataDir.toAbsolutePath()
          + ", gs:// served from " + gcs.toAbsolutePath() + ")");
      out.flush();
      Runtime.getRuntime().addShutdownHook(new Thread(server::close));
      server.awaitTermination();
    }
    return ExitCodes.OK;
  }
}
