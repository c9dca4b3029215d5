package dev.vbatch.run;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vbatch.event.EventSink;
import dev.vbatch.results.Outcome;
import dev.vbatch.results.PredictionDecoder;
import dev.vbatch.results.Pricing;
import dev.vbatch.results.ResultWriter;
import dev.vbatch.results.Usage;
import dev.vbatch.spec.JobSpec;
import dev.vbatch.util.AtomicFiles;
import dev.vbatch.util.Json;
import dev.vbatch.util.TimeSource;
import dev.vbatch.vertex.BatchJob;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One batch run, as a fixed list of stages: plan, build and stage, submit, wait, collect, write.
 * Every input item ends as exactly one line of results.jsonl.
 */
public final class BatchRun {
  private final JobSpec spec;
  private final Backend backend;
  private final Path outDir;
  private final Path runsDir;
  private final TimeSource time;
  private final EventSink events;

  public BatchRun(JobSpec spec, Backend backend, Path outDir, Path runsDir, TimeSource time, EventSink events) {
    this.spec = spec;
    this.backend = backend;
    this.outDir = outDir;
    this.runsDir = runsDir;
    this.time = time;
    this.events = events;
  }

  public static String newRunId(Instant now, Random random) {
    return DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(now)
        + "-" + String.format("%04x", random.nextInt(0x10000));
  }

  /** The whole run in this process: {@link #submit} then {@link #finish}. */
  public RunReport run(String runId) throws IOException, InterruptedException {
    return finish(submit(runId));
  }

  /**
   * Plans, builds and stages the requests, writes the item ledger, and creates one batch job per
   * shard; returns at once with the run's state.
   */
  public RunState submit(String runId) throws IOException, InterruptedException {
    Instant start = time.now();
    RunState state = new RunState();
    state.runId = runId;
    state.job = spec.name();
    state.spec = spec.file().toAbsolutePath().toString();
    state.backend = backend.name();
    state.createdAt = start.toString();
    state.output = outDir.toAbsolutePath().toString();
    Path runDir = runsDir.resolve(runId);
    Path stateFile = runDir.resolve("state.json");
    events.info("run " + runId + " of " + spec.name() + " on " + backend.name() + "; results go to " + outDir);

    state.stage = "plan";
    Plan plan = timed(state, "plan", () -> PlanStep.run(spec, events));
    state.save(stateFile);

    state.stage = "build";
    Requests requests = timed(state, "build", () -> {
      try (ShardSink sink = new ShardSink(spec.limits(), backend.store(), "runs/" + runId + "/requests/")) {
        return RequestStep.run(plan, backend.store(), sink, true, events);
      }
    });
    Ledger.write(runDir.resolve("items.jsonl"), Ledger.of(plan, requests));
    events.info(plan.items().size() + " items: " + plan.sendable() + " to send as " + requests.unique()
        + " distinct requests in " + requests.shards().size() + " shard(s), " + plan.skipped() + " skipped");

    state.stage = "submit";
    timed(state, "submit", () -> {
      SubmitStep.run(spec, state, stateFile, backend.store(), backend.jobs(), requests.shards(), events);
      return null;
    });
    state.stage = "submitted";
    state.save(stateFile);
    return state;
  }

  /** Waits for the run's jobs, collects their predictions and writes the results. */
  public RunReport finish(RunState state) throws IOException, InterruptedException {
    Instant start = time.now();
    Path runDir = runsDir.resolve(state.runId);
    Path stateFile = runDir.resolve("state.json");
    List<Ledger.Entry> ledger = Ledger.read(runDir.resolve("items.jsonl"));
    Map<Integer, BatchJob> jobs = Map.of();
    Collected collected = new Collected(Map.of(), 0, 0, 0, Usage.NONE);
    if (!state.shards.isEmpty()) {
      state.stage = "wait";
      jobs = timed(state, "wait", () -> WaitStep.run(state, stateFile, backend.jobs(), backend.polling(), time, events));
      state.stage = "collect";
      state.save(stateFile);
      PredictionDecoder decoder = new PredictionDecoder(spec.resultSchema(), spec.generation().getMaxOutputTokens());
      Map<Integer, BatchJob> ended = jobs;
      Set<String> keys = ledger.stream().map(Ledger.Entry::key).filter(Objects::nonNull).collect(Collectors.toSet());
      collected = timed(state, "collect", () -> CollectStep.run(ended.values(), keys, backend.store(), decoder, events));
    }
    Map<Integer, BatchJob> finalJobs = jobs;
    Collected got = collected;
    List<ResultWriter.Line> lines = ledger.stream().map(e -> new ResultWriter.Line(e.source(), e.key(),
        e.isSkipped() ? Outcome.skipped(e.skipReason(), e.skipMessage()) : outcomeOf(e, got, finalJobs))).toList();
    ResultWriter.Counts counts = timed(state, "write", () -> ResultWriter.write(outDir, lines));
    state.durations.merge("total", seconds(start), Double::sum);
    int jobFailures = (int) jobs.values().stream().filter(j -> j.state().isJobFailure()).count();
    ObjectNode summary = summary(state, ledger, jobs, got, counts, jobFailures);
    AtomicFiles.writeString(outDir.resolve("summary.json"), Json.PRETTY.writeValueAsString(summary) + "\n");
    state.stage = "done";
    state.save(stateFile);
    return new RunReport(summary, counts.items(), counts.succeeded(), counts.failed(), counts.skipped(), jobFailures);
  }

  private static Outcome outcomeOf(Ledger.Entry item, Collected collected, Map<Integer, BatchJob> jobs) {
    Outcome o = collected.byKey().get(item.key());
    if (o != null) {
      return o;
    }
    BatchJob job = jobs.get(item.shard());
    if (job != null && job.state().isJobFailure()) {
      String reason = switch (job.state()) {
        case EXPIRED -> "job-expired";
        case CANCELLED -> "job-cancelled";
        default -> "job-failed";
      };
      return Outcome.failed(reason, "batch job " + job.name() + " ended " + job.state() + " before answering this request"
          + job.error().map(e -> ": " + e).orElse("") + "; run the job again to retry it", Usage.NONE);
    }
    return Outcome.failed("missing", "Vertex returned no prediction for this request"
        + (job == null ? "" : " (job " + job.name() + " ended " + job.state() + ")") + "; run the job again to retry it", Usage.NONE);
  }

  private ObjectNode summary(RunState state, List<Ledger.Entry> ledger, Map<Integer, BatchJob> jobs,
      Collected collected, ResultWriter.Counts counts, int jobFailures) {
    ObjectNode s = Json.object();
    s.put("runId", state.runId);
    s.put("job", spec.name());
    s.put("model", spec.model());
    s.put("backend", backend.name());
    s.put("output", outDir.toAbsolutePath().toString());
    s.put("items", counts.items());
    s.put("succeeded", counts.succeeded());
    s.put("failed", counts.failed());
    s.put("skipped", counts.skipped());
    ObjectNode byReason = s.putObject("byReason");
    counts.byReason().forEach(byReason::put);
    ObjectNode req = s.putObject("requests");
    long sendable = ledger.stream().filter(e -> !e.isSkipped()).count();
    long distinct = ledger.stream().map(Ledger.Entry::key).filter(Objects::nonNull).distinct().count();
    req.put("distinct", distinct);
    req.put("deduplicated", sendable - distinct);
    req.put("shards", state.shards.size());
    ArrayNode jobList = s.putArray("jobs");
    jobs.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      BatchJob j = e.getValue();
      ObjectNode n = jobList.addObject();
      n.put("shard", e.getKey());
      n.put("name", j.name());
      n.put("state", j.state().name());
      n.put("succeeded", j.succeeded());
      n.put("failed", j.failed());
      n.put("outputDirectory", j.outputDirectory().orElse(null));
      n.put("error", j.error().orElse(null));
    });
    s.put("jobFailures", jobFailures);
    ObjectNode preds = s.putObject("predictions");
    preds.put("lines", collected.lines());
    preds.put("unmatched", collected.unmatched());
    preds.put("duplicates", collected.duplicates());
    Usage u = collected.usage();
    ObjectNode tokens = s.putObject("tokens");
    tokens.put("prompt", u.prompt());
    tokens.put("candidates", u.candidates());
    tokens.put("thoughts", u.thoughts());
    tokens.put("total", u.total());
    ObjectNode cost = s.putObject("cost");
    cost.put("currency", "USD");
    Pricing.online(spec.model()).ifPresentOrElse(rates -> {
      long out = u.candidates() + u.thoughts();
      cost.put("batch", round(Pricing.cost(rates, u.prompt(), out, true)));
      cost.put("online", round(Pricing.cost(rates, u.prompt(), out, false)));
      cost.put("pricesAsOf", Pricing.asOf());
      cost.put("note", "estimate from token counts at list prices; the bill is authoritative");
    }, () -> cost.put("note", "no price known for model " + spec.model()));
    ObjectNode d = s.putObject("durationsSeconds");
    state.durations.forEach(d::put);
    return s;
  }

  private static double round(double dollars) {
    return Math.round(dollars * 1_000_000.0) / 1_000_000.0;
  }

  private double seconds(Instant since) {
    return Duration.between(since, time.now()).toMillis() / 1000.0;
  }

  /** A stage body. */
  @FunctionalInterface
  private interface Stage<T> {
    T call() throws IOException, InterruptedException;
  }

  private <T> T timed(RunState state, String name, Stage<T> stage) throws IOException, InterruptedException {
    Instant t0 = time.now();
    try {
      return stage.call();
    } finally {
      state.durations.merge(name, seconds(t0), Double::sum);
    }
  }
}
