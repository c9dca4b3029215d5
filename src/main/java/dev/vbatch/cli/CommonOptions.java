package dev.vbatch.cli;

import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every command takes. */
final class CommonOptions {
  @Option(names = "--json", description = "Print a machine-readable result on stdout; logs go to stderr as JSON lines.")
  boolean json;

  @Option(names = "--console", paramLabel = "MODE", defaultValue = "auto",
      description = "How to show progress on stderr: auto (a bar on a terminal), plain (lines) or rich (a bar). Default: ${DEFAULT-VALUE}.")
  String console;

  @Option(names = {"-v", "--verbose"}, description = "Show debug messages.")
  boolean verbose;

  @Option(names = "--stacktrace", description = "Show the stack trace of an unexpected error.")
  boolean stacktrace;

  @Option(names = "--home", paramLabel = "DIR",
      description = "Where vbatch keeps run state, local staging and emulator data (default: $VBATCH_HOME or ./.vbatch).")
  Path home;

  Path home(Map<String, String> env) {
    if (home != null) {
      return home;
    }
    String fromEnv = env.get("VBATCH_HOME");
    return Path.of(fromEnv == null || fromEnv.isBlank() ? ".vbatch" : fromEnv);
  }

  /** The renderer of the core's events on the command's stderr, as these options ask. */
  ConsoleSink events(picocli.CommandLine.Model.CommandSpec command, Context context) {
    return new ConsoleSink(command.commandLine().getErr(), mode(context.terminal()), verbose);
  }

  ConsoleSink.Mode mode(boolean terminal) {
    if (json) {
      return ConsoleSink.Mode.JSON;
    }
    return switch (console) {
      case "rich" -> ConsoleSink.Mode.RICH;
      case "plain" -> ConsoleSink.Mode.PLAIN;
      default -> terminal ? ConsoleSink.Mode.RICH : ConsoleSink.Mode.PLAIN;
    };
  }
}
