package dev.vbatch.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vbatch.run.RunState;
import dev.vbatch.util.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code vbatch submit SPEC}: plan, build, stage and submit, then return at once with the run id. */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    description = {
      "Plans, builds and stages a job's requests and submits one batch job per shard, then returns at once. "
          + "Prints the run id on stdout; follow it with 'status', 'wait' and 'fetch'. "
          + "An unfinished run of the same spec is taken up instead of starting a new one (see --new).",
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  RUN=$(vbatch submit jobs/sample-invoices/job.yaml)",
      "  vbatch status $RUN",
      "  vbatch fetch $RUN --out out/invoices",
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {" 0:submitted", ExitCodes.L1, ExitCodes.L2, ExitCodes.L3, ExitCodes.L6, ExitCodes.L7, ExitCodes.L130})
final class SubmitCommand implements Callable<Integer> {
  @Spec CommandSpec commandSpec;

  @Mixin CommonOptions common;

  @Mixin EmulatorOptions emulator;

  @Mixin NewRunOptions job;

  @Mixin EmulatorEndpoint endpoint;

  private final Context context;

  SubmitCommand(Context context) {
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = commandSpec.commandLine().getOut();
    ConsoleSink events = common.events(commandSpec, context);
    var emulatorConfig = emulator.config(commandSpec);
    NewRun run = NewRun.prepare(commandSpec.commandLine(), job, common, context, events)
        .forSubmit(commandSpec.commandLine());
    String runId = run.runId();
    RunState state = run.drive(emulatorConfig, endpoint.value, context, events, (batch, st) -> batch.submit(st));
    if (common.json) {
      ObjectNode n = Json.object();
      n.put("runId", runId);
      n.put("shards", state.shards.size());
      n.put("state", run.home().resolve("runs").resolve(runId).resolve("state.json").toString());
      stdout.println(n);
    } else {
      stdout.println(runId);
    }
    events.info("submitted run " + runId + "; follow it with: vbatch status " + runId + "  (then: vbatch fetch " + runId + ")");
    stdout.flush();
    return ExitCodes.OK;
  }
}
