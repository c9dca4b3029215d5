package dev.vbatch.cli;

import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every command takes. */
final class CommonOptions {
  @Option(names = "--json", description = "Print a machine-readable result on stdout; logs go to stderr as JSON lines.")
  boolean json;

  @Option(names = "--console", paramLabel = "MODE", defaultValue = "${env:VBATCH_CONSOLE:-auto}",
      description = "How to show progress and logs on stderr: auto, plain (lines), rich (a progress bar) or json (one JSON "
          + "object a line with a Cloud Logging severity). auto is rich on a terminal, json when not on a terminal under "
          + "Cloud Run or a scheduler (CLOUD_RUN_JOB or K_SERVICE set), plain otherwise. Default: $VBATCH_CONSOLE, else auto.")
  String console;

  @Option(names = {"-v", "--verbose"}, description = "Show debug messages.")
  boolean verbose;

  @Option(names = "--stacktrace", description = "Show the stack trace of an unexpected error.")
  boolean stacktrace;

  @Option(names = "--wait-lock", paramLabel = "DURATION", defaultValue = "0s",
      description = "How long to wait when another vbatch process owns the run or the spec's runs, e.g. 10m "
          + "(default: ${DEFAULT-VALUE}: exit at once with code 6).")
  String waitLock;

  /** --wait-lock as a duration. */
  java.time.Duration waitLock(picocli.CommandLine cmd) {
    try {
      return dev.vbatch.util.Durations.parse(waitLock);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(cmd, "--wait-lock: " + e.getMessage());
    }
  }

  @Option(names = "--home", paramLabel = "DIR",
      description = "Where vbatch keeps run state, local staging and emulator data (default: $VBATCH_HOME, else ~/.vbatch, "
          + "whatever the current directory, so a run started anywhere is resumed from anywhere).")
  Path home;

  /** The label of --state as the run state's gs:// prefix (how Main tells it from a command's own --state). */
  static final String STATE_LABEL = "GS_URI";

  @Option(names = "--state", paramLabel = STATE_LABEL,
      description = "Also keep run state (runs, chains, answers) under a Cloud Storage prefix (gs://BUCKET/PREFIX): it is copied down when the "
          + "command starts and each state file is copied up as it is written, so a new container resumes an unfinished "
          + "run (default: $VBATCH_STATE).")
  String state; // read by Main before the command runs, to copy the state down first

  Path home(Map<String, String> env) {
    return home(home, env);
  }

  /**
   * --home if given, else $VBATCH_HOME, else ~/.vbatch: one place per user, as Maven keeps ~/.m2 and
   * gcloud ~/.config/gcloud, not the current directory, where a run interrupted in one directory
   * could not be resumed from another (its spec would start a second, paid run).
   */
  static Path home(Path option, Map<String, String> env) {
    if (option != null) {
      return option;
    }
    String fromEnv = env.get("VBATCH_HOME");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Path.of(fromEnv);
    }
    String user = env.getOrDefault("HOME", System.getProperty("user.home"));
    return Path.of(user == null || user.isBlank() ? System.getProperty("user.home") : user, ".vbatch");
  }

  /** The renderer of the core's events on the command's stderr, as these options ask. */
  ConsoleSink events(picocli.CommandLine.Model.CommandSpec command, Context context) {
    try {
      return new ConsoleSink(command.commandLine().getErr(), mode(context.terminal(), context.env()), verbose);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(command.commandLine(), e.getMessage());
    }
  }

  ConsoleSink.Mode mode(boolean terminal, Map<String, String> env) {
    return mode(json, console, terminal, env);
  }

  /** The console mode for these settings; also used for the error line of a command that failed. */
  static ConsoleSink.Mode mode(boolean json, String console, boolean terminal, Map<String, String> env) {
    if (json) {
      return ConsoleSink.Mode.JSON;
    }
    return switch (console == null ? "auto" : console.toLowerCase(java.util.Locale.ROOT)) {
      case "rich" -> ConsoleSink.Mode.RICH;
      case "plain" -> ConsoleSink.Mode.PLAIN;
      case "json" -> ConsoleSink.Mode.JSON;
      case "auto" -> terminal ? ConsoleSink.Mode.RICH : scheduled(env) ? ConsoleSink.Mode.JSON : ConsoleSink.Mode.PLAIN;
      default -> throw new IllegalArgumentException("--console is '" + console + "'; use auto, plain, rich or json");
    };
  }

  /** Whether this process runs under Cloud Run (a job or a service), where stderr goes to Cloud Logging. */
  static boolean scheduled(Map<String, String> env) {
    return env.containsKey("CLOUD_RUN_JOB") || env.containsKey("K_SERVICE");
  }
}
