package dev.vbatch.cli;

import dev.vbatch.emulator.EmulatorConfig;
import dev.vbatch.event.EventSink;
import dev.vbatch.run.BatchRun;
import dev.vbatch.run.ChainRun;
import dev.vbatch.run.RunReport;
import dev.vbatch.run.RunState;
import dev.vbatch.spec.JobSpec;
import dev.vbatch.spec.SpecException;
import dev.vbatch.spec.SpecReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import picocli.CommandLine;

/**
 * What 'run' and 'submit' share before they start: the spec read and checked (its warnings shown),
 * where results go, the home directory, and the run: an unfinished one of the same spec to resume,
 * or a fresh run id.
 */
record NewRun(JobSpec spec, Path outDir, Path home, String runId, NewRunOptions options, Optional<RunState> unfinished,
    JobSpec.Mode mode, JobSpec.Mode retryMode) {
  static NewRun prepare(CommandLine cmd, NewRunOptions job, CommonOptions common, Context context, EventSink events)
      throws SpecException, IOException, dev.vbatch.run.RunLock.Held, InterruptedException {
    JobSpec spec = SpecReader.read(job.specFile, context.env());
    if (job.allowEmpty) {
      spec = spec.withInput(spec.input().withAllowEmpty(true));
    }
    spec.warnings().forEach(events::warn);
    if (job.retryRounds != null && (job.retryRounds < 0 || job.retryRounds > 10)) {
      throw new CommandLine.ParameterException(cmd, "--retry-rounds is " + job.retryRounds + "; allowed 0 to 10");
    }
    JobSpec.Mode mode = spec.mode();
    JobSpec.Mode retryMode = spec.retryMode();
    if (job.mode != null) {
      try {
        mode = JobSpec.Mode.parse(job.mode);
        retryMode = mode;
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(cmd, "--mode " + e.getMessage());
      }
    }
    Path outDir = job.out != null ? job.out : spec.output().orElse(Path.of("vbatch-out", spec.name()));
    String outputNamed = job.out != null ? "--out" : spec.output().isPresent() ? spec.file() + ": output" : "the output directory";
    OutputCheck.writableDirectory(cmd, outputNamed, outDir);
    spec.input().files().filter(f -> f.cloudRoot().isEmpty())
        .ifPresent(f -> OutputCheck.outsideInputs(cmd, outputNamed, outDir, f.root(), f.recursive()));
    Path home = common.home(context.env());
    OutputCheck.writableHome(cmd, homeNamed(common, context), home);
    Path specFile = spec.file();
    spec.staging().filter(s -> !s.startsWith("gs://")).ifPresent(s ->
        OutputCheck.writableDirectory(cmd, specFile + ": staging", Path.of(s), "the staged files and request shards"));
    // One process at a time looks for this spec's unfinished run and drives it.
    java.time.Duration wait = common.waitLock(cmd);
    dev.vbatch.run.RunLock.acquire(dev.vbatch.run.RunLock.ofSpec(home, spec.file()), "the runs of " + spec.file(), wait,
        context.time());
    Optional<RunState> unfinished = Optional.empty();
    if (spec.isChain()) {
      Optional<String> chain = job.fresh ? Optional.empty() : ChainRun.unfinished(home, spec.file());
      chain.ifPresent(id -> events.info("resuming chain " + id + " (use --new to start over instead)"));
      String chainId = chain.orElseGet(() -> BatchRun.newRunId(context.time().now(), new Random()));
      dev.vbatch.run.RunLock.acquire(dev.vbatch.run.RunLock.ofRun(home, chainId), "run " + chainId, wait, context.time());
      return new NewRun(spec, outDir, home, chainId, job, Optional.empty(), mode, retryMode);
    }
    if (!job.fresh) {
      unfinished = Runs.unfinished(home.resolve("runs"), spec.file(), events::warn);
      if (unfinished.isPresent()) {
        RunState old = unfinished.get();
        if (!BatchRun.specMatches(old, spec)) {
          throw new CommandLine.ParameterException(cmd, "run " + old.runId + " of " + spec.file() + " is unfinished (stage "
              + old.stage + "), and the spec, prompt or schema changed since it started. Resuming it would mix the two. "
              + "Either restore the spec and run again to finish it, or start over with --new (first stop its jobs with "
              + "'vbatch cancel " + old.runId + "').");
        }
        events.info("resuming run " + old.runId + ", unfinished at stage '" + old.stage + "' (use --new to start over instead)");
      }
    }
    String runId = unfinished.map(s -> s.runId).orElseGet(() -> BatchRun.newRunId(context.time().now(), new Random()));
    dev.vbatch.run.RunLock.acquire(dev.vbatch.run.RunLock.ofRun(home, runId), "run " + runId, wait, context.time());
    return new NewRun(spec, outDir, home, runId, job, unfinished, mode, retryMode);
  }

  /** How the user named HOME, for a message about it. */
  static String homeNamed(CommonOptions common, Context context) {
    return common.home != null ? "--home" : context.env().containsKey("VBATCH_HOME") ? "VBATCH_HOME" : "HOME (~/.vbatch)";
  }

  /** What to do with the run once its backend is open. */
  @FunctionalInterface
  interface Body<T> {
    T apply(BatchRun run, RunState state) throws Exception;
  }

  /**
   * Opens the spec's backend, and gives {@code body} the run (the unfinished one, or a new one
   * recorded now); the backend is closed when the body returns.
   */
  <T> T drive(EmulatorConfig emulator, String emulatorEndpoint, Context context, EventSink events, Body<T> body)
      throws Exception {
    try (Backends backends = Backends.open(spec, home, emulator, emulatorEndpoint, context.time(), events)) {
      BatchRun run = new BatchRun(spec, backends.backend, resultsDir(), home, context.time(), events);
      RunState state = unfinished.isPresent() ? unfinished.get()
          : run.begin(runId, options.refresh, options.retryRounds != null ? options.retryRounds : spec.retryRounds(),
              mode, retryMode);
      return body.apply(run, state);
    }
  }

  /** Runs a chain of steps to its results, resuming the steps an earlier process left unfinished. */
  RunReport driveChain(EmulatorConfig emulator, String emulatorEndpoint, Context context, EventSink events) throws Exception {
    try (Backends backends = Backends.open(spec, home, emulator, emulatorEndpoint, context.time(), events)) {
      return new ChainRun(spec, backends.backend, outDir, home, context.time(), events)
          .run(runId, options.refresh, options.retryRounds != null ? options.retryRounds : spec.retryRounds(), mode, retryMode);
    }
  }

  /**
   * This run as 'submit' starts it: submit creates batch jobs and returns, so mode auto means batch
   * for the first round, and mode online is refused.
   */
  NewRun forSubmit(CommandLine cmd) {
    if (spec.isChain()) {
      throw new CommandLine.ParameterException(cmd, spec.file() + " is a chain of " + spec.steps().size() + " steps: each step's "
          + "prompts are built from the step before, so the chain runs from one process; use 'vbatch run " + spec.file() + "'");
    }
    if (unfinished.isEmpty() && mode == JobSpec.Mode.ONLINE) {
      throw new CommandLine.ParameterException(cmd, "mode is online: online calls are sent from this process, so "
          + "there is nothing to submit and come back to; use 'vbatch run " + spec.file() + "' (or --mode batch)");
    }
    return new NewRun(spec, outDir, home, runId, options, unfinished, JobSpec.Mode.BATCH, retryMode);
  }

  /** Where results go: --out, else where the resumed run was started to write them, else the spec's output. */
  Path resultsDir() {
    return unfinished.map(s -> options.out == null ? Path.of(s.output) : outDir).orElse(outDir);
  }
}
