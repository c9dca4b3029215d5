package dev.vbatch.cli;

import dev.vbatch.run.RunReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

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
    footer = {"  vbatch fetch 20261121-030000-1a2b", "  vbatch fetch 20261121-030000-1a2b --out /tmp/invoices --json"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {ExitCodes.L0, ExitCodes.L1, ExitCodes.L2, ExitCodes.L3, ExitCodes.L4, ExitCodes.L5})
class FetchCommand implements Callable<Integer> {
  @Spec CommandSpec commandSpec;

  @Mixin CommonOptions common;

  @Mixin EmulatorOptions emulator;

  @Parameters(index = "0", paramLabel = "RUN", description = "The run id that 'submit' printed.")
  String runId;

  @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Where to write results (default: where 'submit' said).")
  Path out;

  @Mixin EmulatorEndpoint endpoint;

  private final Context context;

  FetchCommand(Context context) {
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    ConsoleSink events = common.events(commandSpec, context);
    try (StoredRun stored = StoredRun.open(commandSpec.commandLine(), common.home(context.env()), runId, out,
        emulator.config(commandSpec), endpoint.value, context, events)) {
      RunReport report;
      try (Detach detach = Detach.watch(stored.state, commandSpec.commandLine().getErr())) {
        report = stored.run.finish(stored.state);
      }
      Path outDir = out != null ? out : Path.of(stored.state.output);
      return RunOutput.print(report, outDir, common.json, commandSpec.commandLine().getOut(), events);
    }
  }
}
