package dev.vbatch.cli;

import dev.vbatch.run.RunState;
import dev.vbatch.vertex.CloudException;
import dev.vbatch.vertex.JobState;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;

/** {@code vbatch cancel RUN}: asks Vertex to cancel the run's unfinished jobs; no further rounds start. */
@Command(
    name = "cancel",
    mixinStandardHelpOptions = true,
    description = {
      "Asks Vertex to cancel every unfinished batch job of a run, and marks the run so that no retry round "
          + "starts. Rows already answered are kept: 'fetch RUN' still writes them, and the rest end as job-cancelled.",
    },
    footerHeading = "%nExamples:%n",
    footer = {"  vbatch cancel 20261121-030000-1a2b && vbatch fetch 20261121-030000-1a2b"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {" 0:cancel requested (or nothing left to cancel)", ExitCodes.L1, ExitCodes.L2, ExitCodes.L3})
final class CancelCommand extends StoredRunCommand {
  @picocli.CommandLine.Mixin OneJob job;

  CancelCommand(Context context) {
    super(context);
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = commandSpec.commandLine().getOut();
    ConsoleSink events = common.events(commandSpec, context);
    runOrJob(job);
    if (job.given()) {
      return job.act(this, false, events);
    }
    try (StoredRun stored = open(events, null)) {
      RunState state = stored.state;
      Path stateFile = stateFile();
      state.cancelled = true;
      state.save(stateFile);
      int asked = 0;
      for (RunState.ShardState s : state.shards) {
        if (s.jobName == null) {
          continue;
        }
        var job = stored.backends.backend.jobs().get(s.jobName);
        if (job.state().isTerminal() || job.state() == JobState.CANCELLING) {
          continue;
        }
        try {
          stored.backends.backend.jobs().cancel(s.jobName);
          s.cancelRequested = true;
          asked++;
          out.println("cancel requested: " + s.jobName + " (was " + job.state() + ")");
        } catch (CloudException e) {
          events.warn("cancelling " + s.jobName + " failed: " + e.getMessage());
        }
      }
      state.save(stateFile);
      if (asked == 0) {
        out.println("run " + runId + " has no unfinished job; it will start no further retry round");
      }
      events.info("fetch what was answered with: vbatch fetch " + runId);
      out.flush();
      return ExitCodes.OK;
    }
  }
}
