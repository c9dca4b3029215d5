package dev.vbatch.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vbatch.run.RunState;
import dev.vbatch.util.Durations;
import dev.vbatch.util.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vbatch runs}: the runs kept in HOME/runs with their stage and jobs. */
@Command(
    name = "runs",
    aliases = "list",
    mixinStandardHelpOptions = true,
    description = {
      "Lists the runs kept in the home directory, newest first: id, job, backend, stage, age, rounds, and the "
          + "Vertex batch jobs of each with the state last seen ('status RUN' asks Vertex again).",
    },
    footerHeading = "%nExamples:%n",
    footer = {"  vbatch runs", "  vbatch runs --unfinished --json", "  vbatch runs --job sample-invoices --since 2d"})
final class RunsCommand implements Callable<Integer> {
  @Spec CommandSpec commandSpec;

  @Mixin CommonOptions common;

  @Option(names = "--unfinished", description = "Only runs that did not finish (and were not cancelled).")
  boolean unfinished;

  @Option(names = "--job", paramLabel = "NAME", description = "Only runs of the job with this name.")
  String job;

  @Option(names = "--stage", paramLabel = "STAGE", description = "Only runs at this stage (plan, build, submit, submitted, wait, collect, write, done).")
  String stage;

  @Option(names = "--since", paramLabel = "AGE", description = "Only runs created within this long, e.g. 12h or 7d.")
  String since;

  @Option(names = "--jobs", description = "Show each run's batch jobs too.")
  boolean showJobs;

  private final Context context;

  RunsCommand(Context context) {
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = commandSpec.commandLine().getOut();
    Path home = common.home(context.env());
    Instant now = context.time().now();
    Duration window = null;
    if (since != null) {
      try {
        window = Durations.parse(since);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.ParameterException(commandSpec.commandLine(), "--since '" + since + "': " + e.getMessage());
      }
    }
    Duration within = window;
    ConsoleSink events = common.events(commandSpec, context);
    List<RunState> runs = Runs.all(home.resolve("runs"), events::warn).stream()
        .filter(r -> !unfinished || (!"done".equals(r.stage) && !r.cancelled))
        .filter(r -> job == null || job.equals(r.job))
        .filter(r -> stage == null || stage.equals(r.stage))
        .filter(r -> within == null || Duration.between(Instant.parse(r.createdAt), now).compareTo(within) <= 0)
        .toList();
    ArrayNode list = Json.MAPPER.createArrayNode();
    for (RunState r : runs) {
      ObjectNode n = list.addObject();
      n.put("runId", r.runId);
      n.put("job", r.job);
      n.put("backend", r.backend);
      n.put("stage", r.cancelled && !"done".equals(r.stage) ? r.stage + " (cancelled)" : r.stage);
      n.put("createdAt", r.createdAt);
      n.put("ageSeconds", Duration.between(Instant.parse(r.createdAt), now).toSeconds());
      n.put("rounds", r.rounds.size());
      n.put("reused", r.reused);
      n.put("output", r.output);
      n.put("spec", r.spec);
      ArrayNode jobs = n.putArray("jobs");
      for (RunState.ShardState s : r.shards) {
        jobs.addObject().put("round", s.round).put("shard", s.index).put("name", s.jobName).put("state", s.state)
            .put("requests", s.requests);
      }
    }
    if (common.json) {
      out.println(list);
    } else if (runs.isEmpty()) {
      out.println("no runs in " + home.resolve("runs") + (since != null || job != null || stage != null || unfinished ? " match" : ""));
    } else {
      out.printf("%-19s %-24s %-8s %-22s %8s %6s %5s%n", "run", "job", "backend", "stage", "age", "rounds", "jobs");
      for (var n : list) {
        out.printf("%-19s %-24s %-8s %-22s %8s %6d %5d%n", n.path("runId").asText(), n.path("job").asText(),
            n.path("backend").asText(), n.path("stage").asText(),
            Durations.format(Duration.ofSeconds(n.path("ageSeconds").asLong())), n.path("rounds").asInt(), n.path("jobs").size());
        if (showJobs) {
          for (var j : n.path("jobs")) {
            out.printf("    round %d shard %d  %-20s %6d requests  %s%n", j.path("round").asInt(), j.path("shard").asInt(),
                j.path("state").asText(), j.path("requests").asInt(), j.path("name").asText("(not submitted)"));
          }
        }
      }
    }
    out.flush();
    return ExitCodes.OK;
  }
}
