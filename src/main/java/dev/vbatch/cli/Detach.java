package dev.vbatch.cli;

import dev.vbatch.run.RunState;
import dev.vbatch.vertex.JobState;
import java.io.PrintWriter;

/**
 * While a run is being driven, Ctrl+C (or a SIGTERM from a scheduler) detaches it instead of losing
 * it: the state is already saved after every step, the batch jobs keep running on Vertex, and this
 * hook says how to take the run up again or stop its jobs.
 */
final class Detach implements AutoCloseable {
  private final Thread hook;

  private Detach(Thread hook) {
    this.hook = hook;
  }

  static Detach watch(RunState state, PrintWriter err) {
    Thread hook = new Thread(() -> {
      if ("done".equals(state.stage)) {
        return;
      }
      long jobs = state.shards.stream().filter(s -> s.jobName != null).count();
      long running = state.shards.stream()
          .filter(s -> s.jobName != null && !s.jobState().map(JobState::isTerminal).orElse(false)).count();
      err.println();
      if ("online".equals(state.stage)) {
        err.println("vbatch: interrupted while sending run " + state.runId + " online; the answers checkpointed so far "
            + "are kept and are not sent again.");
      } else if (jobs == 0) {
        err.println("vbatch: interrupted at stage '" + state.stage + "' of run " + state.runId + "; no batch job was submitted yet.");
      } else {
        err.println("vbatch: interrupted at stage '" + state.stage + "'; run " + state.runId + " is detached. Its "
            + running + " unfinished batch job(s) keep running on Vertex and are billed as they finish.");
      }
      err.println("  to resume it:          vbatch resume " + state.runId + "   (or run the same spec again)");
      if (running > 0) {
        err.println("  to stop its jobs:      vbatch cancel " + state.runId);
      }
      err.flush();
    }, "vbatch-detach");
    Runtime.getRuntime().addShutdownHook(hook);
    return new Detach(hook);
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down: the hook is running or has run.
    }
  }
}
