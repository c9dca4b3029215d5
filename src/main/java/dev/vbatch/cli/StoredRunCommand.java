package dev.vbatch.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** What the commands about an existing run share: the run id, the common and emulator options, and reopening the run. */
abstract class StoredRunCommand implements Callable<Integer> {
  @Spec CommandSpec commandSpec;

  @Mixin CommonOptions common;

  @Mixin EmulatorOptions emulator;

  @Parameters(index = "0", paramLabel = "RUN", arity = "0..1",
      description = "The run id that 'submit' printed ('vbatch runs' lists them).")
  String runId;

  @Mixin EmulatorEndpoint endpoint;

  final Context context;

  StoredRunCommand(Context context) {
    this.context = context;
  }

  Path home() {
    if (runId == null) {
      throw new picocli.CommandLine.ParameterException(commandSpec.commandLine(), "Missing required parameter: 'RUN'"
          + (commandSpec.findOption("--job") != null ? " (or --job NAME for a job vbatch did not submit)" : ""));
    }
    return common.home(context.env());
  }

  /** A usage error unless exactly one of RUN and --job was given. */
  void runOrJob(OneJob job) {
    if (runId != null && job.given()) {
      throw new picocli.CommandLine.ParameterException(commandSpec.commandLine(), "give RUN or --job, not both");
    }
  }

  Path stateFile() {
    return home().resolve("runs").resolve(runId).resolve("state.json");
  }

  /** Takes the run for this process: a command that changes a run calls it before anything else. */
  void ownRun() throws Exception {
    OutputCheck.writableHome(commandSpec.commandLine(), NewRun.homeNamed(common, context), home());
    dev.vbatch.run.RunLock.acquire(dev.vbatch.run.RunLock.ofRun(home(), runId), "run " + runId,
        common.waitLock(commandSpec.commandLine()), context.time());
  }

  /** Reopens the run with its spec and backend; {@code out} overrides where results go (null keeps the run's). */
  StoredRun open(ConsoleSink events, Path out) throws Exception {
    return StoredRun.open(commandSpec.commandLine(), home(), runId, out, emulator.config(commandSpec), endpoint.value, context, events);
  }
}
