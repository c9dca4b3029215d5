package dev.vbatch.cli;

import dev.vbatch.run.RunReport;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vbatch fetch RUN}: waits if needed, then collects, decodes and writes a submitted run's results. */
@Command(
    name = "fetch",
    mixinStandardHelpOptions = true,
    description = {
      "Collects a submitted run's predictions (waiting for its jobs if they are still running), validates them, "
          + "and writes results.jsonl, failures.jsonl and summary.json, exactly as 'run' does. Like 'run', it resends "
          + "requests that failed for a retryable reason (retry.rounds) before it writes.",
    },
    footerHeading = "%nExamples:%n",
    footer = {"  vbatch fetch 20261121-030000-1a2b", "  vbatch fetch 20261121-030000-1a2b --out /tmp/invoices --json",
        "  vbatch fetch --job 1234567890 --project my-project --schema schema.json --out /tmp/console-job"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {ExitCodes.L0, ExitCodes.L1, ExitCodes.L2, ExitCodes.L3, ExitCodes.L4, ExitCodes.L5, ExitCodes.L6, ExitCodes.L130})
class FetchCommand extends StoredRunCommand {
  @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Where to write results (default: where 'submit' said).")
  Path out;

  @Mixin FailOn failOn;

  @Mixin OneJob job;

  FetchCommand(Context context) {
    super(context);
  }

  @Override
  public Integer call() throws Exception {
    ConsoleSink events = common.events(commandSpec, context);
    var rules = failOn.rules(commandSpec.commandLine());
    runOrJob(job);
    if (job.given()) {
      return job.fetch(this, out, events);
    }
    ownRun();
    try (StoredRun stored = open(events, out)) {
      RunReport report;
      try (Detach detach = Detach.watch(stored.state, commandSpec.commandLine().getErr())) {
        report = stored.run.finish(stored.state);
      }
      Path outDir = out != null ? out : Path.of(stored.state.output);
      return RunOutput.print(report, outDir, common.json, commandSpec.commandLine().getOut(), events, rules);
    }
  }
}
