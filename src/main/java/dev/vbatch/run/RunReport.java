package dev.vbatch.run;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The end of a run: its summary (as written to summary.json) and what it means for the exit code. */
public record RunReport(ObjectNode summary, long items, long succeeded, long failed, long skipped, int jobFailures) {
  public String countsLine() {
    return "items " + items + " = succeeded " + succeeded + " + failed " + failed + " + skipped " + skipped;
  }
}
