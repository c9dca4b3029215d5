package dev.vbatch.cli;

import dev.vbatch.emulator.EmulatorConfig;
import dev.vbatch.event.EventSink;
import dev.vbatch.run.BatchRun;
import dev.vbatch.spec.JobSpec;
import dev.vbatch.spec.SpecException;
import dev.vbatch.spec.SpecReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

/**
 * What 'run' and 'submit' share before they start: the spec read and checked (its warnings shown),
 * where results go, the home directory and a fresh run id.
 */
record NewRun(JobSpec spec, Path outDir, Path home, String runId) {
  static NewRun prepare(NewRunOptions job, CommonOptions common, Context context, EventSink events)
      throws SpecException {
    JobSpec spec = SpecReader.read(job.specFile, context.env());
    spec.warnings().forEach(events::warn);
    Path outDir = job.out != null ? job.out : spec.output().orElse(Path.of("vbatch-out", spec.name()));
    return new NewRun(spec, outDir, common.home(context.env()), BatchRun.newRunId(context.time().now(), new Random()));
  }

  Backends openBackend(EmulatorConfig emulator, String emulatorEndpoint, Context context, EventSink events) throws IOException {
    return Backends.open(spec, home, emulator, emulatorEndpoint, context.time(), events);
  }

  BatchRun batchRun(Backends backends, Context context, EventSink events) {
    return new BatchRun(spec, backends.backend, outDir, home.resolve("runs"), context.time(), events);
  }
}
