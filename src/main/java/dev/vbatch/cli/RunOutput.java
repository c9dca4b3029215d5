package dev.vbatch.cli;

import dev.vbatch.run.RunReport;
import dev.vbatch.util.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** How run and fetch report a finished run, and the exit code it earns. */
final class RunOutput {
  private RunOutput() {}

  static int print(RunReport report, Path outDir, boolean json, PrintWriter stdout, ConsoleSink events,
      List<FailOn.Rule> failOn) {
    if (json) {
      stdout.println(Json.write(report.summary()));
      events.info(report.countsLine());
    } else {
      stdout.println(report.countsLine());
      report.summary().path("byReason").fields().forEachRemaining(e ->
          stdout.println("  " + e.getKey() + ": " + e.getValue().asLong()));
      var cost = report.summary().path("cost");
      if (cost.has("batch")) {
        long tokens = report.summary().path("tokens").path("total").asLong();
        if (cost.path("estimate").asDouble() == cost.path("batch").asDouble()) {
          stdout.printf("tokens %d; estimated cost $%.4f at batch prices ($%.4f online)%n",
              tokens, cost.path("batch").asDouble(), cost.path("online").asDouble());
        } else {
          stdout.printf("tokens %d; estimated cost $%.4f with online calls at online prices ($%.4f had all been batch)%n",
              tokens, cost.path("estimate").asDouble(), cost.path("batch").asDouble());
        }
      }
      if (report.summary().has("stopped")) {
        stdout.println("stopped early: " + report.summary().path("stopped").asText());
      }
      stdout.println("results: " + outDir.resolve("results.jsonl"));
      if (report.failed() + report.skipped() > 0) {
        stdout.println("failures: " + outDir.resolve("failures.jsonl"));
      }
    }
    stdout.flush();
    if (report.jobFailures() > 0) {
      return ExitCodes.JOB_FAILED;
    }
    if (!failOn.isEmpty()) {
      Optional<String> crossed = FailOn.crossed(failOn, report);
      if (crossed.isPresent()) {
        events.error("the run fails --fail-on: " + crossed.get());
        return ExitCodes.ITEMS_FAILED;
      }
      if (report.failed() + report.skipped() > 0) {
        events.info((report.failed() + report.skipped()) + " item(s) failed or were skipped, within --fail-on; exit code 0");
      }
      return ExitCodes.OK;
    }
    return report.failed() + report.skipped() > 0 ? ExitCodes.ITEMS_FAILED : ExitCodes.OK;
  }
}
