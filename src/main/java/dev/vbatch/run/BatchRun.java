package dev.vbatch.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vbatch.event.EventSink;
import dev.vbatch.results.AnswerStore;
import dev.vbatch.results.Outcome;
import dev.vbatch.results.OutcomeFile;
import dev.vbatch.results.PredictionDecoder;
import dev.vbatch.results.ResultWriter;
import dev.vbatch.results.Usage;
import dev.vbatch.spec.JobSpec;
import dev.vbatch.util.AtomicFiles;
import dev.vbatch.util.CrashPoints;
import dev.vbatch.util.Json;
import dev.vbatch.util.TimeSource;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * One batch run, driven from its saved state so that any process can take it up where another
 * stopped: plan and build (once), then rounds of submit, wait and collect (round 1 sends every new
 * request; each later round resends the retryable failures of the one before), then write. Every
 * input item ends as exactly one line of results.jsonl.
 *
 * <p>The files in the run directory are named by {@link RunFiles}: state.json (the truth),
 * items.jsonl (every item with its key), reused.jsonl (answers taken from earlier runs),
 * round-N.keys (the requests of round N and their shards) and round-N.jsonl (their outcomes,
 * written once the round is collected).
 */
public final class BatchRun {
  /** Failure reasons worth sending the request again for. Blocked, cancelled and skipped items are not. */
  public static final Set<String> RETRYABLE = Set.of("request-error", "empty-response", "invalid-response",
      "invalid-json", "truncated", "schema-violation", "missing", "job-expired", "job-failed", "timed-out");
  /**
   * Reasons that mean a batch job or the run, not the request, failed (including an online round
   * stopped by online.maxFailed): they earn exit code 4.
   */
  static final Set<String> JOB_REASONS = Set.of("job-failed", "job-expired", "job-cancelled", "timed-out", "stopped", "job-input-refused", "job-permission", "job-bucket-missing");

  private final JobSpec spec;
  private final Backend backend;
  private final Path outDir;
  private final Path runsDir;
  private final AnswerStore answers;
  private final TimeSource time;
  private final EventSink events;
  private Planner planner;

  /** Where a run's items come from: discovery and inspection, or a chain's earlier step. */
  @FunctionalInterface
  public interface Planner {
    Plan plan() throws IOException;
  }

  /** A run whose state lives in {@code home}/runs and whose answers are kept in {@code home}/answers. */
  public BatchRun(JobSpec spec, Backend backend, Path outDir, Path home, TimeSource time, EventSink events) {
    this.spec = spec;
    this.backend = backend;
    this.outDir = outDir;
    this.runsDir = home.resolve("runs");
    this.answers = new AnswerStore(home.resolve("answers"));
    this.time = time;
    this.events = events;
    this.planner = () -> PlanStep.run(spec, backend.inputs(), events);
  }

  /** This run with its items from {@code planner} instead of the spec's input. */
  public BatchRun withPlanner(Planner planner) {
    this.planner = planner;
    return this;
  }

  public static String newRunId(Instant now, Random random) {
    return DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(now)
        + "-" + String.format("%04x", random.nextInt(0x10000));
  }

  /** Whether {@code state} was started under this spec as it is now. */
  public static boolean specMatches(RunState state, JobSpec spec) {
    return SpecDigest.matches(state, spec);
  }

  /** Records a new run; nothing else is done until {@link #submit} or {@link #finish}. */
  public RunState begin(String runId, boolean refresh, int retryRounds, JobSpec.Mode mode, JobSpec.Mode retryMode)
      throws IOException {
    RunState state = new RunState();
    state.runId = runId;
    state.job = spec.name();
    state.spec = spec.file().toAbsolutePath().toString();
    state.specDigest = SpecDigest.of(spec);
    state.backend = backend.name();
    state.createdAt = time.now().toString();
    state.output = outDir.toAbsolutePath().toString();
    state.refresh = refresh;
    state.maxRounds = 1 + retryRounds;
    state.mode = mode.label();
    state.retryMode = retryMode.label();
    state.stage = "plan";
    state.save(stateFile(state));
    return state;
  }

  /** The whole run in this process. */
  public RunReport run(String runId) throws IOException, InterruptedException {
    return finish(begin(runId, false, spec.retryRounds(), spec.mode(), spec.retryMode()));
  }

  /**
   * Plans, builds and stages the requests if that is not done yet, and submits the current round's
   * shards that have no job yet; returns once they are submitted.
   */
  public RunState submit(RunState state) throws IOException, InterruptedException {
    if (state.rounds.isEmpty()) {
      events.info("run " + state.runId + " of " + spec.name() + " on " + backend.name() + "; results go to " + outDir);
      build(state);
    }
    submitPending(state);
    if (state.rounds.size() == 1 && !state.current().collected) {
      state.stage = "submitted";
      state.save(stateFile(state));
    }
    return state;
  }

  /** Takes the run from wherever it stopped to its results: submit, wait, collect, retry, write. */
  public RunReport finish(RunState state) throws IOException, InterruptedException {
    Instant start = time.now();
    submit(state);
    Path stateFile = stateFile(state);
    while (true) {
      RunState.RoundState round = state.current();
      if (!round.collected && "online".equals(round.mode)) {
        state.stage = "online";
        state.save(stateFile);
        timed(state, "online", () -> {
          online(state, round);
          return null;
        });
      } else if (!round.collected) {
        List<RunState.ShardState> shards = state.shardsOf(round.round);
        if (!shards.isEmpty()) {
          state.stage = "wait";
          state.save(stateFile);
          timed(state, "wait", () -> WaitStep.run(state, shards, stateFile, backend.jobs(), backend.polling(),
              spec.limits().maxWait(), time, events));
        }
        state.stage = "collect";
        state.save(stateFile);
        timed(state, "collect", () -> {
          collect(state, round);
          return null;
        });
      }
      if (state.cancelled || state.stopped != null || round.round >= state.maxRounds) {
        break;
      }
      Map<String, String> retry = retryable(state, round);
      if (retry.isEmpty()) {
        break;
      }
      timed(state, "build", () -> {
        buildRetry(state, round, retry);
        return null;
      });
      submitPending(state);
    }
    RunReport report = timed(state, "write", () -> write(state));
    state.durations.merge("total", seconds(start), Double::sum);
    return report;
  }

  private RunFiles files(RunState state) {
    return new RunFiles(runsDir.resolve(state.runId));
  }

  private Path stateFile(RunState state) {
    return files(state).state();
  }

  private void build(RunState state) throws IOException, InterruptedException {
    RunFiles files = files(state);
    backend.export().check(spec);
    state.stage = "plan";
    Plan plan = timed(state, "plan", () -> files.deletedIfNothingFound(planner::plan));
    state.stage = "build";
    state.save(stateFile(state));
    Map<String, Outcome> answered = state.refresh ? Map.of() : answers.answers(spec.model());
    Requests requests = timed(state, "build", () -> {
      try (ShardSink sink = ShardSink.of(spec, backend.store(), "runs/" + state.runId + "/requests/")) {
        return RequestStep.run(plan, backend.store(), sink, true, answered, events);
      }
    });
    CrashPoints.hit("build.staged");
    List<Ledger.Entry> ledger = Ledger.of(plan, requests);
    Ledger.write(files.items(), ledger);
    OutcomeFile.write(files.reused(), requests.reused(), Map.of());
    RunFiles.writeKeys(files.keys(1), requests.shardOfKey());
    RunState.RoundState round = new RunState.RoundState();
    round.round = 1;
    round.requests = requests.unique();
    round.mode = mode(state.mode, round.requests);
    state.reused = ledger.stream().filter(Ledger.Entry::reused).count();
    List<RunState.ShardState> shards = shardStates(state, round, requests.shards());
    state.rounds.add(round);
    state.shards.addAll(shards);
    state.stage = "submit";
    state.save(stateFile(state));
    CrashPoints.hit("build.done");
    events.info(plan.items().size() + " items: " + plan.sendable() + " to send as " + requests.unique()
        + " distinct requests in " + requests.shards().size() + " shard(s), " + plan.skipped() + " skipped"
        + (state.reused > 0 ? ", " + state.reused + " answered by earlier runs (not sent again; --refresh sends them)" : ""));
  }

  /** The mode a round of {@code requests} requests runs in, under the run's mode setting. */
  private String mode(String setting, long requests) {
    JobSpec.Mode mode = JobSpec.Mode.valueOf(setting.toUpperCase(java.util.Locale.ROOT)).resolve(requests, spec.online());
    if (mode == JobSpec.Mode.ONLINE && backend.online() == null) {
      throw new IllegalStateException("backend " + backend.name() + " cannot send requests online");
    }
    return mode.label();
  }

  private List<RunState.ShardState> shardStates(RunState state, RunState.RoundState roundState, List<ShardSink.Shard> shards) {
    List<RunState.ShardState> out = new ArrayList<>();
    int round = roundState.round;
    String dir = round == 1 ? "" : "round-" + round + "/";
    for (ShardSink.Shard shard : shards) {
      RunState.ShardState s = new RunState.ShardState();
      s.round = round;
      s.index = shard.index();
      s.inputUri = backend.store().uri(shard.path());
      s.requests = shard.requests();
      s.bytes = shard.bytes();
      s.outputPrefix = backend.store().uri("runs/" + state.runId + "/output/" + dir + String.format("shard-%05d", shard.index()));
      s.state = "online".equals(roundState.mode) ? "ONLINE" : "UNSUBMITTED";
      out.add(s);
    }
    return out;
  }

  private void submitPending(RunState state) throws IOException, InterruptedException {
    if ("online".equals(state.current().mode)) {
      return;
    }
    List<RunState.ShardState> pending = state.shardsOf(state.current().round).stream().filter(s -> s.jobName == null).toList();
    if (pending.isEmpty()) {
      return;
    }
    state.stage = "submit";
    timed(state, "submit", () -> {
      SubmitStep.run(spec, state, stateFile(state), backend.jobs(), pending, time, events);
      return null;
    });
  }

  private void collect(RunState state, RunState.RoundState round) throws IOException {
    RunFiles.Keys keys = RunFiles.readKeyTable(files(state).keys(round.round));
    List<RunState.ShardState> shards = state.shardsOf(round.round);
    List<String> dirs = shards.stream().filter(s -> s.outputDirectory != null).map(s -> s.outputDirectory).toList();
    PredictionDecoder decoder = new PredictionDecoder(spec.resultSchema(), spec.generation().getMaxOutputTokens());
    Map<Integer, RunState.ShardState> byIndex = new HashMap<>();
    shards.forEach(s -> byIndex.put(s.index, s));
    Collected[] got = new Collected[1];
    OutcomeFile.write(files(state).outcomes(round.round), Map.of(), out -> {
      got[0] = CollectStep.run(dirs, keys.table(), backend.store(), decoder, events, out);
      for (int id = got[0].answered().nextClearBit(0); id < keys.table().size(); id = got[0].answered().nextClearBit(id + 1)) {
        out.add(keys.table().key(id), Unanswered.of(byIndex.get(keys.shards()[id]), spec.limits().maxWait()));
      }
    });
    round.lines = got[0].lines();
    round.unmatched = got[0].unmatched();
    round.duplicates = got[0].duplicates();
    collected(state, round, got[0].succeeded(), keys.table().size() - got[0].succeeded(), got[0].usage());
  }

  /** An online round: its requests sent as generateContent calls, checkpointed as they are answered. */
  private void online(RunState state, RunState.RoundState round) throws IOException, InterruptedException {
    RunFiles files = files(state);
    Map<String, Integer> keys = RunFiles.readKeys(files.keys(round.round));
    OnlineStep.Done done = new OnlineStep(spec, backend.store(), backend.online(), time, events)
        .run(state.shardsOf(round.round), keys.keySet(), files.checkpoint(round.round));
    round.calls += done.calls();
    round.retries += done.retries();
    round.lines = done.calls();
    state.stopped = done.stopped();
    Usage u = done.outcomes().values().stream().map(Outcome::usage).reduce(Usage.NONE, Usage::plus);
    OutcomeFile.write(files.outcomes(round.round), done.outcomes(), Map.of());
    long succeeded = done.outcomes().values().stream().filter(o -> o.status() == Outcome.Status.SUCCEEDED).count();
    collected(state, round, succeeded, done.outcomes().size() - succeeded, u);
  }

  /** Marks a round collected once its outcomes are written: the one way a round ends, batch or online. */
  private void collected(RunState state, RunState.RoundState round, long succeeded, long failed, Usage u) throws IOException {
    CrashPoints.hit("collect.written");
    round.collected = true;
    round.succeeded = succeeded;
    round.failed = failed;
    round.promptTokens = u.prompt();
    round.candidatesTokens = u.candidates();
    round.thoughtsTokens = u.thoughts();
    round.totalTokens = u.total();
    state.save(stateFile(state));
  }

  /** The keys of the round's retryable failures, with their reasons. */
  private Map<String, String> retryable(RunState state, RunState.RoundState round) throws IOException {
    Map<String, String> retry = new LinkedHashMap<>();
    OutcomeFile.scan(files(state).outcomes(round.round), e -> {
      if (e.status() == Outcome.Status.SUCCEEDED) {
        retry.remove(e.key());
      } else if (RETRYABLE.contains(e.reason())) {
        retry.put(e.key(), e.reason());
      }
    });
    return retry;
  }

  /** Copies the requests to retry out of the previous round's shards into new, smaller ones. */
  private void buildRetry(RunState state, RunState.RoundState previous, Map<String, String> retry) throws IOException {
    int next = previous.round + 1;
    Map<String, Long> reasons = new TreeMap<>();
    retry.values().forEach(r -> reasons.merge(r, 1L, Long::sum));
    events.info("retry round " + next + " of " + (state.maxRounds - 1) + ": sending " + retry.size()
        + " request(s) again " + reasons);
    Map<String, Integer> shardOf = new LinkedHashMap<>();
    List<ShardSink.Shard> shards;
    try (ShardSink sink = ShardSink.of(spec, backend.store(), "runs/" + state.runId + "/requests/round-" + next + "/")) {
      try (StagedRequests staged = new StagedRequests(backend.store(), state.shardsOf(previous.round))) {
        while (staged.hasNext()) {
          StagedRequests.Entry e = staged.next();
          if (retry.containsKey(e.key()) && !shardOf.containsKey(e.key())) {
            shardOf.put(e.key(), sink.add(e.key(), Json.write(e.json())));
          }
        }
      }
      shards = sink.shards();
    }
    RunFiles.writeKeys(files(state).keys(next), shardOf);
    RunState.RoundState round = new RunState.RoundState();
    round.round = next;
    round.requests = shardOf.size();
    round.mode = mode(state.retryMode, round.requests);
    state.rounds.add(round);
    state.shards.addAll(shardStates(state, round, shards));
    state.stage = "submit";
    state.save(stateFile(state));
    CrashPoints.hit("retry.built");
  }

  private RunReport write(RunState state) throws IOException, InterruptedException {
    state.stage = "write";
    state.save(stateFile(state));
    List<Integer> rounds = state.rounds.stream().filter(r -> r.collected).map(r -> r.round).toList();
    ResultsStep.Done done = ResultsStep.run(files(state).dir(), rounds, outDir, JOB_REASONS, answers, state.runId, spec.model());
    CrashPoints.hit("write.results");
    ResultWriter.Counts counts = done.counts();
    ObjectNode summary = RunSummary.of(spec, backend.name(), outDir, state, done);
    AtomicFiles.writeString(outDir.resolve("summary.json"), Json.PRETTY.writeValueAsString(summary) + "\n");
    dev.vbatch.results.ResultFormats.write(outDir, spec.formats(), spec.resultSchema() == null ? null : spec.resultSchema().node());
    backend.export().append(spec, state.runId, outDir.resolve("results.jsonl"), backend.store(), events);
    state.stage = "done";
    state.save(stateFile(state));
    return new RunReport(summary, counts.items(), counts.succeeded(), counts.failed(), counts.skipped(), (int) done.lostToJobs());
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
