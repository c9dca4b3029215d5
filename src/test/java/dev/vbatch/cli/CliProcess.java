package dev.vbatch.cli;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts the vbatch CLI as a separate JVM (so it can be killed), optionally halting at a crash point. */
final class CliProcess {
  private CliProcess() {}

  /** Runs {@code vbatch ARGS} with stdout and stderr in LOG.out and LOG.err; {@code crashAt} sets VBATCH_CRASH_AT. */
  static Process start(List<String> args, String crashAt, Path log) throws Exception {
    return start(List.of(), args, crashAt, log);
  }

  /** As above, with {@code jvm} options (a heap limit) before the class. */
  static Process start(List<String> jvm, List<String> args, String crashAt, Path log) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    cmd.addAll(jvm);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.vbatch.cli.Main"));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("VBATCH_CRASH_AT");
    if (crashAt != null) {
      pb.environment().put("VBATCH_CRASH_AT", crashAt);
    }
    pb.redirectOutput(new File(log + ".out"));
    pb.redirectError(new File(log + ".err"));
    return pb.start();
  }
}
