package dev.vbatch.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vbatch.util.Durations;
import dev.vbatch.util.Json;
import dev.vbatch.vertex.BatchJob;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vbatch jobs}: every batch prediction job of the project, vbatch's or not. */
@Command(
    name = "jobs",
    mixinStandardHelpOptions = true,
    description = {
      "Lists the project's Vertex AI batch prediction jobs, newest first: every job, not only vbatch's, with its "
          + "state, model, age, counts, labels and output location. 'vbatch fetch --job NAME' writes the validated "
          + "results of any of them; 'cancel --job' and 'delete --job' act on one.",
    },
    footerHeading = "%nExamples:%n",
    footer = {"  vbatch jobs --project my-project --location us-central1",
        "  vbatch jobs --project my-project --state succeeded --since 2d --json",
        "  vbatch jobs --project my-project --label team=finance --filter 'display_name:\"nightly*\"'"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {" 0:listed", ExitCodes.L1, ExitCodes.L2, ExitCodes.L3})
final class JobsCommand implements Callable<Integer> {
  @Spec CommandSpec commandSpec;

  // Not the CommonOptions mixin: its --state names a gs:// run state, and here --state is a job's state.
  @Option(names = "--json", description = "Print the jobs as a JSON array on stdout.")
  boolean json;

  @Option(names = "--home", paramLabel = "DIR",
      description = "vbatch's home, whose emulator data holds the emulator's jobs (default: $VBATCH_HOME, else ~/.vbatch).")
  java.nio.file.Path home;

  @Option(names = {"-v", "--verbose"}, description = "Show debug messages.")
  boolean verbose;

  @Option(names = "--stacktrace", description = "Show the stack trace of an unexpected error.")
  boolean stacktrace;

  @Mixin ElsewhereJobs where;

  @Mixin EmulatorOptions emulator;

  @Mixin EmulatorEndpoint endpoint;

  @Option(names = "--state", paramLabel = "STATE",
      description = "Only jobs in this state: queued, pending, running, succeeded, failed, cancelling, cancelled, "
          + "paused, expired, updating, partially_succeeded.")
  String state;

  @Option(names = "--label", paramLabel = "KEY=VALUE", description = "Only jobs with this label (repeatable: all must match).")
  List<String> labels = new ArrayList<>();

  @Option(names = "--since", paramLabel = "AGE", description = "Only jobs created within this long, e.g. 12h or 7d.")
  String since;

  @Option(names = "--filter", paramLabel = "AIP-160",
      description = "A raw filter, as Vertex's list call takes it, e.g. 'display_name:\"nightly*\"'; ANDed with the others.")
  String filter;

  private final Context context;

  JobsCommand(Context context) {
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    CommandLine cmd = commandSpec.commandLine();
    String query = filter(cmd);
    CommonOptions common = new CommonOptions();
    common.json = json;
    common.verbose = verbose;
    common.home = home;
    common.console = context.env().getOrDefault("VBATCH_CONSOLE", "auto");
    ConsoleSink events = common.events(commandSpec, context);
    List<BatchJob> jobs;
    try (ElsewhereJobs.Open open = where.open(cmd, common.home(context.env()), emulator, endpoint, context, events)) {
      jobs = new ArrayList<>(open.jobs.list(query));
    }
    jobs.sort((a, b) -> b.createTime().compareTo(a.createTime()));
    PrintWriter out = cmd.getOut();
    if (json) {
      ArrayNode array = Json.MAPPER.createArrayNode();
      jobs.forEach(j -> array.add(json(j)));
      out.println(Json.write(array));
    } else if (jobs.isEmpty()) {
      out.println("no batch prediction jobs" + (query.isEmpty() ? "" : " match " + query));
    } else {
      out.printf("%-22s %-20s %-9s %-22s %-8s %-16s %s%n", "JOB", "STATE", "AGE", "MODEL", "ITEMS", "VBATCH RUN", "DISPLAY NAME");
      for (BatchJob j : jobs) {
        long total = j.succeeded() + j.failed() + j.incomplete();
        out.printf("%-22s %-20s %-9s %-22s %-8s %-16s %s%n", id(j.name()), j.state().name(),
            Durations.format(java.time.Duration.between(j.createTime(), context.time().now())),
            id(j.model()), total == 0 ? "-" : j.succeeded() + "/" + total, j.labels().getOrDefault("vbatch-run", "-"),
            j.displayName());
      }
    }
    out.flush();
    return ExitCodes.OK;
  }

  /** The AIP-160 filter the options add up to. */
  String filter(CommandLine cmd) {
    List<String> parts = new ArrayList<>();
    if (state != null) {
      String s = state.trim().toUpperCase(java.util.Locale.ROOT).replaceFirst("^JOB_STATE_", "");
      try {
        dev.vbatch.vertex.JobState.valueOf(s);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(cmd, "--state is '" + state + "'; use one of queued, pending, running, "
            + "succeeded, failed, cancelling, cancelled, paused, expired, updating, partially_succeeded");
      }
      parts.add("state=JOB_STATE_" + s);
    }
    for (String label : labels) {
      int eq = label.indexOf('=');
      if (eq <= 0) {
        throw new CommandLine.ParameterException(cmd, "--label is '" + label + "'; write KEY=VALUE, e.g. team=finance");
      }
      parts.add("labels." + label.substring(0, eq) + "=\"" + label.substring(eq + 1) + "\"");
    }
    if (since != null) {
      java.time.Duration age;
      try {
        age = Durations.parse(since);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(cmd, "--since: " + e.getMessage());
      }
      parts.add("create_time>\"" + context.time().now().minus(age) + "\"");
    }
    if (filter != null && !filter.isBlank()) {
      parts.add(parts.isEmpty() ? filter : "(" + filter + ")");
    }
    return String.join(" AND ", parts);
  }

  static ObjectNode json(BatchJob j) {
    ObjectNode n = Json.object();
    n.put("name", j.name()).put("id", id(j.name())).put("displayName", j.displayName()).put("state", j.state().name())
        .put("model", j.model()).put("createTime", j.createTime().toString());
    n.putObject("counts").put("succeeded", j.succeeded()).put("failed", j.failed()).put("incomplete", j.incomplete());
    n.set("labels", Json.MAPPER.valueToTree(j.labels()));
    n.put("output", j.outputDirectory().orElse(null));
    j.error().ifPresent(e -> n.put("error", e));
    return n;
  }

  private static String id(String name) {
    return name == null ? "" : name.substring(name.lastIndexOf('/') + 1);
  }
}
