package dev.vbatch.emulator;

import dev.vbatch.storage.UriStore;
import dev.vbatch.util.TimeSource;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The local Vertex AI emulator: a gRPC server on the loopback interface speaking JobService's
 * batch prediction methods, google.longrunning.Operations, PredictionService's generateContent and
 * streamGenerateContent, and LlmUtilityService's countTokens and computeTokens. Its jobs live in a
 * data directory, so separate processes share them.
 */
public final class EmulatorServer implements AutoCloseable {
  private final Server server;
  private final EmulatorPredictionService online;

  private EmulatorServer(Server server, EmulatorPredictionService online) {
    this.server = server;
    this.online = online;
  }

  /** Starts on {@code port} (0 for any free port) with state under {@code dataDir}. */
  public static EmulatorServer start(int port, Path dataDir, EmulatorConfig config, TimeSource time) throws IOException {
    return start(port, dataDir, config, time, UriStore.local());
  }

  /**
   * As above, reading inputs and files and writing predictions through {@code uris}: given a Cloud
   * Storage client (in tests, an in-memory one), the emulator serves jobs whose URIs are gs://.
   */
  public static EmulatorServer start(int port, Path dataDir, EmulatorConfig config, TimeSource time, UriStore uris)
      throws IOException {
    Files.createDirectories(dataDir);
    keepFontCacheIn(dataDir.resolve("font-cache"));
    Faults faults = new Faults(config);
    Responder responder = new Responder(uri -> {
      try (var in = uris.open(uri)) {
        return in.readAllBytes();
      }
    });
    Timeline timeline = new Timeline(config, responder, uris, dataDir.resolve("inputs"));
    EmulatorOperations operations = new EmulatorOperations(dataDir);
    EmulatorJobService jobs = new EmulatorJobService(new JobStore(dataDir), timeline, faults, config, time, operations);
    EmulatorPredictionService online = new EmulatorPredictionService(new EmulatedModel(responder, faults), faults, config);
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
        .addService(jobs)
        .addService(online)
        .addService(online.utility())
        .addService(operations)
        .build()
        .start();
    return new EmulatorServer(server, online);
  }

  /** The online calls each request received so far, by request key. */
  public java.util.Map<String, Integer> onlineCallsByKey() {
    return online.callsByKey();
  }

  public int port() {
    return server.getPort();
  }

  /** host:port for JobServiceSettings.setEndpoint. */
  public String endpoint() {
    return InetAddress.getLoopbackAddress().getHostAddress() + ":" + port();
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  @Override
  public void close() {
    online.close();
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * PDFBox writes the font cache it builds when it extracts a PDF's text into the user's home
   * (~/.pdfbox.cache) unless told where; the emulator keeps it with its own data. A place the user
   * chose with -Dpdfbox.fontcache is left alone.
   */
  private static void keepFontCacheIn(Path dir) throws IOException {
    if (System.getProperty("pdfbox.fontcache") == null) {
      Files.createDirectories(dir);
      System.setProperty("pdfbox.fontcache", dir.toString());
    }
  }
}
