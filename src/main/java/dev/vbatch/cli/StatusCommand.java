package dev.vbatch.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vbatch.run.RunState;
import dev.vbatch.run.WaitStep;
import dev.vbatch.util.Json;
import dev.vbatch.vertex.BatchJob;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vbatch status RUN} and {@code vbatch wait RUN}: the state of a run's jobs, now or at their end. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Shows the state of a run's batch jobs: per shard its state, counts, age and output location.",
    footerHeading = "%nExamples:%n",
    footer = {"  vbatch status 20261121-030000-1a2b", "  vbatch status 20261121-030000-1a2b --watch", "  vbatch status RUN --json | jq '.shards[].state'"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {" 0:shown (with --watch: every job ended and none failed)", ExitCodes.L1, ExitCodes.L2, ExitCodes.L3,
        " 4:with --watch: a job ended FAILED, CANCELLED or EXPIRED"})
class StatusCommand extends StoredRunCommand {
  @Option(names = "--watch", description = "Keep polling until every job has ended, showing each change.")
  boolean watch;

  StatusCommand(Context context) {
    super(context);
  }

  boolean waits() {
    return watch;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = commandSpec.commandLine().getOut();
    ConsoleSink events = common.events(commandSpec, context);
    try (StoredRun stored = open(events, null)) {
      RunState state = stored.state;
      var jobs = stored.backends.backend.jobs();
      if (waits()) {
        if (state.current() != null) {
          WaitStep.run(state, state.shardsOf(state.current().round), stateFile(),
              jobs, stored.backends.backend.polling(), stored.spec.limits().maxWait(), context.time(), events);
        }
      }
      ObjectNode report = Json.object();
      report.put("runId", state.runId);
      report.put("job", state.job);
      report.put("backend", state.backend);
      report.put("createdAt", state.createdAt);
      report.put("stage", state.stage);
      report.put("output", state.output);
      ArrayNode shards = report.putArray("shards");
      boolean failed = false;
      Instant now = context.time().now();
      for (RunState.ShardState s : state.shards) {
        ObjectNode n = shards.addObject();
        n.put("round", s.round);
        n.put("shard", s.index);
        if (s.jobName == null || "DELETED".equals(s.state)) {
          n.put("job", s.jobName);
          n.put("state", s.state);
          n.put("succeeded", 0);
          n.put("failed", 0);
          n.put("requests", s.requests);
          n.put("ageSeconds", 0);
          n.putNull("outputDirectory");
          n.putNull("error");
          continue;
        }
        BatchJob job = jobs.get(s.jobName);
        failed |= job.state().isJobFailure();
        n.put("job", job.name());
        n.put("state", job.state().name());
        n.put("succeeded", job.succeeded());
        n.put("failed", job.failed());
        n.put("requests", s.requests);
        n.put("ageSeconds", Duration.between(job.createTime(), now).toSeconds());
        n.put("outputDirectory", job.outputDirectory().orElse(null));
        n.put("error", job.error().orElse(null));
      }
      if (common.json) {
        stdout.println(report);
      } else {
        stdout.printf("run %s of %s on %s, created %s, stage %s%n", state.runId, state.job, state.backend, state.createdAt, state.stage);
        stdout.printf("%-5s %-6s %-20s %9s %7s %8s %8s  %s%n", "round", "shard", "state", "succeeded", "failed", "requests", "age", "job");
        for (var n : shards) {
          stdout.printf("%-5d %-6d %-20s %9d %7d %8d %8s  %s%n", n.path("round").asInt(), n.path("shard").asInt(), n.path("state").asText(),
              n.path("succeeded").asLong(), n.path("failed").asLong(), n.path("requests").asLong(),
              age(n.path("ageSeconds").asLong()), n.path("job").asText("ONLINE".equals(n.path("state").asText()) ? "(sent online, no job)" : "(not submitted)"));
          if (!n.path("error").isNull()) {
            stdout.println("       error: " + n.path("error").asText());
          }
          if (!n.path("outputDirectory").isNull()) {
            stdout.println("       output: " + n.path("outputDirectory").asText());
          }
        }
      }
      stdout.flush();
      return waits() && failed ? ExitCodes.JOB_FAILED : ExitCodes.OK;
    }
  }

  private static String age(long seconds) {
    if (seconds < 120) {
      return seconds + "s";
    }
    if (seconds < 7200) {
      return seconds / 60 + "m";
    }
    return seconds / 3600 + "h" + (seconds % 3600) / 60 + "m";
  }
}
