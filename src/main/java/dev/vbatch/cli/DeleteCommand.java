package dev.vbatch.cli;

import dev.vbatch.run.RunState;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code vbatch delete RUN}: deletes a finished run's batch jobs from Vertex. */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    description = {
      "Deletes the batch jobs of a finished run from Vertex AI (the job list gets long). Staged requests, "
          + "predictions and results stay where they are, and the run's local record is kept. A job that has "
          + "not ended is left alone: cancel the run first. With stagingDataset, each job's request and "
          + "predictions tables are deleted with it (results already written are not affected).",
    },
    footerHeading = "%nExamples:%n",
    footer = {"  vbatch delete 20261121-030000-1a2b"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {" 0:every ended job deleted", ExitCodes.L1, ExitCodes.L2, ExitCodes.L3, ExitCodes.L6})
final class DeleteCommand extends StoredRunCommand {
  @picocli.CommandLine.Mixin OneJob job;

  DeleteCommand(Context context) {
    super(context);
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = commandSpec.commandLine().getOut();
    ConsoleSink events = common.events(commandSpec, context);
    runOrJob(job);
    if (job.given()) {
      return job.act(this, true, events);
    }
    ownRun();
    try (StoredRun stored = open(events, null)) {
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
      state.save(stateFile());
      out.println(deleted + " job(s) deleted" + (left > 0 ? ", " + left + " still running" : ""));
      out.flush();
      return left > 0 ? ExitCodes.ERROR : ExitCodes.OK;
    }
  }
}
