package dev.vbatch.cli;

import dev.vbatch.run.RunReport;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code vbatch run SPEC}: the whole pipeline, from job spec to results, resuming an unfinished run. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a job: finds its items, builds one request per item, stages them, runs one batch job per shard, "
          + "waits, resends what failed for a retryable reason, and writes one result per item to the output directory:",
      "  results.jsonl   one line per input item: source, key, status, data, error, usage, attempts",
      "  failures.jsonl  the failed and skipped lines, each with a reason",
      "  summary.json    counts by status and reason, rounds, tokens, estimated cost, jobs, durations",
      "",
      "With --mode online (or mode: online in the spec) the requests are sent as concurrent generateContent calls "
          + "instead of batch jobs: answered at once, at the online price; --mode auto sends small rounds online.",
      "",
      "If an earlier run of the same spec did not finish (a crash, Ctrl+C), it is resumed: nothing already "
          + "submitted is submitted again. Requests answered successfully by any earlier run are not sent again; "
          + "their answers are reused (see --refresh).",
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  vbatch run jobs/sample-invoices/job.yaml",
      "  vbatch run jobs/sample-invoices/job.yaml --out /tmp/invoices --json",
      "  vbatch run jobs/sample-invoices/job.yaml --emulator-fault row-error=0.2 --emulator-fault transient=0.1",
      "  vbatch run jobs/sample-invoices/job.yaml --new --refresh     # start over and send everything",
      "  vbatch run jobs/sample-invoices/job.yaml --mode online --emulator-latency 200ms",
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {ExitCodes.L0, ExitCodes.L1, ExitCodes.L2, ExitCodes.L3, ExitCodes.L4, ExitCodes.L5, ExitCodes.L6, ExitCodes.L7, ExitCodes.L130})
final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec commandSpec;

  @Mixin CommonOptions common;

  @Mixin EmulatorOptions emulator;

  @Mixin NewRunOptions job;

  @Mixin EmulatorEndpoint endpoint;

  @Mixin FailOn failOn;

  private final Context context;

  RunCommand(Context context) {
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = commandSpec.commandLine().getOut();
    ConsoleSink events = common.events(commandSpec, context);
    List<FailOn.Rule> rules = failOn.rules(commandSpec.commandLine());
    var emulatorConfig = emulator.config(commandSpec);
    NewRun run = NewRun.prepare(commandSpec.commandLine(), job, common, context, events);
    if (run.spec().isChain()) {
      return RunOutput.print(run.driveChain(emulatorConfig, endpoint.value, context, events), run.outDir(), common.json, stdout, events, rules);
    }
    RunReport report = run.drive(emulatorConfig, endpoint.value, context, events, (batch, state) -> {
      try (Detach detach = Detach.watch(state, commandSpec.commandLine().getErr())) {
        return batch.finish(state);
      }
    });
    return RunOutput.print(report, run.resultsDir(), common.json, stdout, events, rules);
  }
}
