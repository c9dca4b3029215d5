package dev.vbatch.cli;

import dev.vbatch.run.RunState;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vbatch delete RUN}: deletes a finished run's batch jobs from Vertex. */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    description = {
      "Deletes the batch jobs of a finished run from Vertex AI (the job list gets long). Staged requests, "
          + "predictions and results stay where they are, and the run's local record is kept. A job that has "
          + "not ended is left alone: cancel the run first.",
    },
    footerHeading = "%nExamples:%n",
    footer = {"  vbatch delete 20261121-030000-1a2b"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {" 0:every ended job deleted", ExitCodes.L1, ExitCodes.L2, ExitCodes.L3})
final class DeleteCommand implements Callable<Integer> {
  @Spec CommandSpec commandSpec;

  @Mixin CommonOptions common;

  @Mixin EmulatorOptions emulator;

  @Parameters(index = "0", paramLabel = "RUN", description = "The run id.")
  String runId;

  @Mixin EmulatorEndpoint endpoint;

  private final Context context;

  DeleteCommand(Context context) {
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = commandSpec.commandLine().getOut();
    ConsoleSink events = common.events(commandSpec, context);
    Path home = common.home(context.env());
    try (StoredRun stored = StoredRun.open(commandSpec.commandLine(), home, runId, null, emulator.config(commandSpec),
        endpoint.value, context, events)) {
      RunState state = stored.state;
      var jobs = stored.backends.backend.jobs();
      int deleted = 0;
      int left = 0;
      for (RunState.ShardState s : state.shards) {
        if (s.jobName == null || "DELETED".equals(s.state)) {
          continue;
        }
        var job = jobs.get(s.jobName);
        if (!job.state().isTerminal()) {
          out.println("left alone: " + s.jobName + " is " + job.state() + " (cancel the run first: vbatch cancel " + runId + ")");
          left++;
          continue;
        }
        jobs.delete(s.jobName);
        s.state = "DELETED";
        deleted++;
        out.println("deleted: " + s.jobName);
      }
      state.save(home.resolve("runs").resolve(runId).resolve("state.json"));
      out.println(deleted + " job(s) deleted" + (left > 0 ? ", " + left + " still running" : ""));
      out.flush();
      return left > 0 ? ExitCodes.ERROR : ExitCodes.OK;
    }
  }
}
