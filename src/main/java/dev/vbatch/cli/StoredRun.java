package dev.vbatch.cli;

import dev.vbatch.emulator.EmulatorConfig;
import dev.vbatch.event.EventSink;
import dev.vbatch.run.BatchRun;
import dev.vbatch.run.RunState;
import dev.vbatch.spec.JobSpec;
import dev.vbatch.spec.SpecReader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine;

/** A run submitted earlier, reopened from its state in HOME/runs/RUN with its spec and backend. */
final class StoredRun implements AutoCloseable {
  final RunState state;
  final JobSpec spec;
  final Backends backends;
  final BatchRun run;

  private StoredRun(RunState state, JobSpec spec, Backends backends, BatchRun run) {
    this.state = state;
    this.spec = spec;
    this.backends = backends;
    this.run = run;
  }

  static StoredRun open(CommandLine cmd, Path home, String runId, Path outOverride, EmulatorConfig emulator,
      String emulatorEndpoint, Context context, EventSink events) throws Exception {
    Path runs = home.resolve("runs");
    Path stateFile = runs.resolve(runId).resolve("state.json");
    RunState state;
    try {
      state = RunState.load(stateFile);
    } catch (NoSuchFileException e) {
      String known;
      try (Stream<Path> dirs = Files.isDirectory(runs) ? Files.list(runs) : Stream.empty()) {
        known = dirs.map(p -> p.getFileName().toString()).sorted().collect(Collectors.joining(", "));
      }
      throw new CommandLine.ParameterException(cmd, "no run '" + runId + "' in " + runs
          + (known.isEmpty() ? " (there are none; start one with 'vbatch submit SPEC')" : "; runs there: " + known));
    }
    JobSpec spec = SpecReader.read(Path.of(state.spec), context.env());
    if (!BatchRun.specMatches(state, spec)) {
      throw new CommandLine.ParameterException(cmd, "the spec " + state.spec + " (or its prompt or schema) changed since run "
          + runId + " started; restore it to take the run up, or stop the run's jobs with 'vbatch cancel " + runId
          + "' and start a new run");
    }
    Path out = outOverride != null ? outOverride : Path.of(state.output);
    Backends backends = Backends.open(spec, home, emulator, emulatorEndpoint, context.time(), events);
    return new StoredRun(state, spec, backends, new BatchRun(spec, backends.backend, out, home, context.time(), events));
  }

  @Override
  public void close() {
    backends.close();
  }
}
