package dev.vbatch.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.aiplatform.v1.Content;
import com.google.cloud.aiplatform.v1.Part;
import dev.vbatch.event.EventSink;
import dev.vbatch.input.Item;
import dev.vbatch.input.PlannedItem;
import dev.vbatch.spec.JobSpec;
import dev.vbatch.util.AtomicFiles;
import dev.vbatch.util.CrashPoints;
import dev.vbatch.util.Json;
import dev.vbatch.util.TimeSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A chain of steps: each step is one run (its own rounds of batch jobs, or online calls) over the
 * items still in the chain, with prompts built from the item's variables and the earlier steps'
 * results. N items × K steps cost K rounds of jobs. Each step's run is named CHAIN-K-NAME and
 * keeps its own state, so after a crash the steps that finished are read back, not sent again, and
 * the unfinished one resumes. The chain's results.jsonl holds, per item, every step's outcome and
 * the final status; a failure names its step.
 */
public final class ChainRun {
  private final JobSpec chain;
  private final Backend backend;
  private final Path outDir;
  private final Path home;
  private final TimeSource time;
  private final EventSink events;

  public ChainRun(JobSpec chain, Backend backend, Path outDir, Path home, TimeSource time, EventSink events) {
    this.chain = chain;
    this.backend = backend;
    this.outDir = outDir;
    this.home = home;
    this.time = time;
    this.events = events;
  }

  /** What one step did to one item. */
  private record StepResult(String status, JsonNode line) {}

  /** The id of a chain of this spec that did not finish, to resume; empty when there is none. */
  public static Optional<String> unfinished(Path home, Path specFile) throws IOException {
    Path dir = home.resolve("chains");
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    String spec = specFile.toAbsolutePath().toString();
    List<Path> files;
    try (var s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    String found = null;
    for (Path f : files) {
      JsonNode n = Json.MAPPER.readTree(f.toFile());
      if (spec.equals(n.path("spec").asText()) && !n.path("done").asBoolean()) {
        found = n.path("chainId").asText();
      }
    }
    return Optional.ofNullable(found);
  }

  public RunReport run(String chainId, boolean refresh, int retryRounds, JobSpec.Mode mode, JobSpec.Mode retryMode)
      throws IOException, InterruptedException {
    Path marker = home.resolve("chains").resolve(chainId + ".json");
    ObjectNode state = Json.object().put("chainId", chainId).put("spec", chain.file().toAbsolutePath().toString())
        .put("output", outDir.toAbsolutePath().toString()).put("done", false);
    AtomicFiles.writeString(marker, Json.write(state) + "\n");
    List<JobSpec.Step> steps = chain.steps();
    events.info("chain " + chainId + " of " + chain.name() + ": " + steps.size() + " steps ("
        + String.join(" → ", steps.stream().map(JobSpec.Step::name).toList()) + "); results go to " + outDir);
    Plan[] base = new Plan[1];
    BatchRun.Planner basePlan = () -> {
      if (base[0] == null) {
        base[0] = PlanStep.run(steps.get(0).spec(), backend.inputs(), events);
      }
      return base[0];
    };
    List<Map<String, StepResult>> results = new ArrayList<>();
    List<RunReport> reports = new ArrayList<>();
    for (int k = 0; k < steps.size(); k++) {
      JobSpec.Step step = steps.get(k);
      String runId = chainId + "-" + (k + 1) + "-" + step.name();
      Path stepOut = outDir.resolve("steps").resolve(step.name());
      Path stateFile = home.resolve("runs").resolve(runId).resolve("state.json");
      int index = k;
      BatchRun run = new BatchRun(step.spec(), backend, stepOut, home, time, events)
          .withPlanner(k == 0 ? basePlan : () -> stepPlan(index, basePlan.plan(), results));
      RunReport report;
      if (Files.exists(stateFile)) {
        RunState existing = RunState.load(stateFile);
        if (!BatchRun.specMatches(existing, step.spec())) {
          throw new IllegalStateException("step " + step.name() + " of chain " + chainId + " started under a different "
              + "prompt, schema or settings; restore them to finish it, or start over with --new");
        }
        if ("done".equals(existing.stage) && Files.exists(stepOut.resolve("summary.json"))) {
          events.info("step " + (k + 1) + " (" + step.name() + ") finished before the restart; its results are read back, not sent again");
          report = null;
        } else {
          events.info("step " + (k + 1) + " (" + step.name() + "): resuming run " + runId + " at stage '" + existing.stage + "'");
          report = run.finish(existing);
        }
      } else {
        events.info("step " + (k + 1) + " (" + step.name() + "): run " + runId);
        RunState begun = run.begin(runId, refresh, retryRounds, mode, retryMode);
        report = run.finish(begun);
      }
      reports.add(report);
      results.add(read(stepOut.resolve("results.jsonl")));
      CrashPoints.hit("chain.step");
    }
    RunReport report = write(chainId, basePlan.plan(), results);
    AtomicFiles.writeString(marker, Json.write(state.put("done", true)) + "\n");
    return report;
  }

  /** A step's results by source. */
  private static Map<String, StepResult> read(Path results) throws IOException {
    Map<String, StepResult> out = new HashMap<>();
    try (BufferedReader r = Files.newBufferedReader(results)) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!line.isBlank()) {
          JsonNode n = Json.MAPPER.readTree(line);
          out.put(n.path("source").asText(), new StepResult(n.path("status").asText(), n));
        }
      }
    }
    return out;
  }

  /** Whether the item finished every step before {@code k} that it entered, and is still in the chain. */
  private Optional<Map<String, String>> carried(int k, Item item, List<Map<String, StepResult>> results) {
    Map<String, String> vars = new HashMap<>(item.vars());
    for (int j = 0; j < k; j++) {
      StepResult r = results.get(j).get(item.id());
      if (r == null || !"succeeded".equals(r.status())) {
        return Optional.empty();
      }
      flatten("steps." + chain.steps().get(j).name() + ".data", r.line().path("data"), vars);
    }
    return Optional.of(vars);
  }

  /**
   * The plan of step {@code k}: the items that succeeded at every earlier step and meet the step's
   * condition, each with the earlier steps' data as variables and, with history, their turns.
   */
  private Plan stepPlan(int k, Plan base, List<Map<String, StepResult>> results) {
    JobSpec.Step step = chain.steps().get(k);
    List<PlannedItem> items = new ArrayList<>();
    Map<String, List<Content>> history = new HashMap<>();
    for (PlannedItem p : base.items()) {
      if (p.isSkipped()) {
        continue;
      }
      Optional<Map<String, String>> vars = carried(k, p.item(), results);
      if (vars.isEmpty() || !entersStep(k, p.item(), results)) {
        continue;
      }
      Map<String, String> v = vars.get();
      for (String name : step.spec().user().variables()) {
        v.putIfAbsent(name, "");
      }
      Item item = new Item(p.item().id(), Map.copyOf(v), p.item().file(), step.history() ? p.item().text() : Optional.empty(),
          p.item().object());
      items.add(new PlannedItem(item, Optional.empty(), step.history() ? p.attachment() : Optional.empty()));
      if (step.history()) {
        history.put(item.id(), turns(k, p, results));
      }
    }
    events.info("step " + (k + 1) + " (" + step.name() + "): " + items.size() + " item(s) go on");
    return new Plan(step.spec(), List.copyOf(items), history);
  }

  /** Whether an item carried to step {@code k} meets its condition, and the conditions of the steps before it. */
  private boolean entersStep(int k, Item item, List<Map<String, StepResult>> results) {
    for (int j = 1; j <= k; j++) {
      Optional<dev.vbatch.spec.Condition> when = chain.steps().get(j).when();
      if (when.isPresent() && !when.get().test(path -> lookup(path, item, results))) {
        return false;
      }
    }
    return true;
  }

  private JsonNode lookup(String path, Item item, List<Map<String, StepResult>> results) {
    for (int j = 0; j < results.size(); j++) {
      String prefix = "steps." + chain.steps().get(j).name() + ".";
      if (path.startsWith(prefix)) {
        StepResult r = results.get(j).get(item.id());
        if (r == null) {
          return null;
        }
        JsonNode n = r.line();
        for (String part : path.substring(prefix.length()).split("\\.")) {
          n = n.isArray() && part.matches("\\d+") ? n.path(Integer.parseInt(part)) : n.path(part);
        }
        return n.isMissingNode() ? null : n;
      }
    }
    String v = item.vars().get(path);
    return v == null ? null : com.fasterxml.jackson.databind.node.TextNode.valueOf(v);
  }

  /** The earlier steps' turns: each step's prompt as the item saw it, and its answer. */
  private List<Content> turns(int k, PlannedItem p, List<Map<String, StepResult>> results) {
    List<Content> turns = new ArrayList<>();
    Map<String, String> vars = new HashMap<>(p.item().vars());
    p.attachment().ifPresent(a -> vars.put("file.mime", a.mimeType()));
    for (int j = 0; j < k; j++) {
      JobSpec.Step earlier = chain.steps().get(j);
      JsonNode line = results.get(j).get(p.item().id()).line();
      for (String name : earlier.spec().user().variables()) {
        vars.putIfAbsent(name, "");
      }
      turns.add(Content.newBuilder().setRole("user").addParts(Part.newBuilder().setText(earlier.spec().user().render(vars))).build());
      turns.add(Content.newBuilder().setRole("model").addParts(Part.newBuilder().setText(Json.write(line.path("data")))).build());
      flatten("steps." + earlier.name() + ".data", line.path("data"), vars);
    }
    return turns;
  }

  /** Adds {@code node} as variables: prefix.a.b for nested fields, and prefix itself as JSON text. */
  static void flatten(String prefix, JsonNode node, Map<String, String> vars) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return;
    }
    vars.put(prefix, node.isValueNode() ? node.asText() : Json.write(node));
    if (node.isObject()) {
      node.fields().forEachRemaining(e -> flatten(prefix + "." + e.getKey(), e.getValue(), vars));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        flatten(prefix + "." + i, node.get(i), vars);
      }
    }
  }

  /** results.jsonl, failures.jsonl and summary.json of the chain, one line per input item. */
  private RunReport write(String chainId, Plan base, List<Map<String, StepResult>> results) throws IOException {
    List<JobSpec.Step> steps = chain.steps();
    long[] counts = new long[3];
    Map<String, Long> byReason = new java.util.TreeMap<>();
    long[][] perStep = new long[steps.size()][4]; // entered, succeeded, failed, left here
    Files.createDirectories(outDir);
    AtomicFiles.write(outDir.resolve("failures.jsonl"), failures -> AtomicFiles.write(outDir.resolve("results.jsonl"), out -> {
      for (PlannedItem p : base.items()) {
        ObjectNode line = Json.object();
        line.put("source", p.item().id());
        ObjectNode stepsNode = Json.object();
        String status = "succeeded";
        JsonNode data = com.fasterxml.jackson.databind.node.NullNode.instance;
        ObjectNode error = null;
        String leftAt = null;
        if (p.isSkipped()) {
          status = "skipped";
          error = Json.object().put("step", steps.get(0).name()).put("reason", p.skip().get().reason())
              .put("message", p.skip().get().message());
        }
        for (int j = 0; j < steps.size() && !p.isSkipped(); j++) {
          StepResult r = results.get(j).get(p.item().id());
          if (r == null) {
            if (j > 0 && "succeeded".equals(status) && leftAt == null) {
              leftAt = steps.get(j).name();
              perStep[j][3]++;
            }
            continue;
          }
          perStep[j][0]++;
          ObjectNode s = stepsNode.putObject(steps.get(j).name());
          s.put("status", r.status());
          s.set("data", r.line().path("data"));
          s.set("error", r.line().path("error"));
          s.set("attempts", r.line().path("attempts"));
          if ("succeeded".equals(r.status())) {
            perStep[j][1]++;
            data = r.line().path("data");
          } else {
            perStep[j][2]++;
            status = r.status();
            JsonNode e = r.line().path("error");
            error = Json.object().put("step", steps.get(j).name()).put("reason", e.path("reason").asText())
                .put("message", e.path("message").asText());
          }
        }
        line.put("status", status);
        line.set("data", data);
        line.set("error", error);
        if (leftAt != null) {
          line.put("leftBefore", leftAt);
        }
        line.set("steps", stepsNode);
        counts["succeeded".equals(status) ? 0 : "failed".equals(status) ? 1 : 2]++;
        if (error != null) {
          byReason.merge(error.path("step").asText() + ":" + error.path("reason").asText(), 1L, Long::sum);
        }
        byte[] bytes = (Json.write(line) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.write(bytes);
        if (!"succeeded".equals(status)) {
          failures.write(bytes);
        }
      }
    }));
    ObjectNode summary = Json.object();
    summary.put("chainId", chainId);
    summary.put("job", chain.name());
    summary.put("output", outDir.toAbsolutePath().toString());
    summary.put("items", base.items().size());
    summary.put("succeeded", counts[0]);
    summary.put("failed", counts[1]);
    summary.put("skipped", counts[2]);
    ObjectNode reasons = summary.putObject("byReason");
    byReason.forEach(reasons::put);
    ArrayNode stepList = summary.putArray("steps");
    long jobs = 0;
    long rounds = 0;
    for (int j = 0; j < steps.size(); j++) {
      JsonNode s = Json.MAPPER.readTree(outDir.resolve("steps").resolve(steps.get(j).name()).resolve("summary.json").toFile());
      long stepJobs = s.path("jobs").size();
      jobs += stepJobs;
      rounds += s.path("rounds").size();
      stepList.addObject().put("name", steps.get(j).name()).put("runId", s.path("runId").asText())
          .put("items", perStep[j][0]).put("succeeded", perStep[j][1]).put("failed", perStep[j][2])
          .put("leftBefore", perStep[j][3]).put("rounds", s.path("rounds").size()).put("jobs", stepJobs)
          .set("cost", s.path("cost"));
    }
    summary.put("rounds", rounds);
    summary.put("jobs", jobs);
    AtomicFiles.writeString(outDir.resolve("summary.json"), Json.PRETTY.writeValueAsString(summary) + "\n");
    dev.vbatch.results.ResultFormats.write(outDir, chain.formats(), null); // a chain's data holds every step's
    return new RunReport(summary, base.items().size(), counts[0], counts[1], counts[2], 0);
  }
}
