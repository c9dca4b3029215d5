package dev.vbatch.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What 'run' and 'submit' are given: the job spec, where results go, and how to treat earlier runs. */
final class NewRunOptions {
  @Parameters(index = "0", paramLabel = "SPEC", description = "The job spec, e.g. jobs/sample-invoices/job.yaml.")
  Path specFile;

  @Option(names = {"-o", "--out"}, paramLabel = "DIR",
      description = "Where to write results (default: the spec's 'output', else ./vbatch-out/NAME).")
  Path out;

  @Option(names = "--refresh",
      description = "Send every request, even those an earlier run already answered (by default their answers are reused).")
  boolean refresh;

  @Option(names = "--new",
      description = "Start a new run even if an earlier run of this spec is unfinished (by default that run is resumed).")
  boolean fresh;

  @Option(names = "--retry-rounds", paramLabel = "N",
      description = "Rounds of resending requests that failed for a retryable reason (default: the spec's retry.rounds, else 2).")
  Integer retryRounds;

  @Option(names = "--allow-empty",
      description = "Finish with exit 0 when no input item is found (by default that is exit 7, so a scheduler does "
          + "not read an empty night as success); as input.allowEmpty: true in the spec.")
  boolean allowEmpty;

  @Option(names = "--mode", paramLabel = "MODE",
      description = "batch, online or auto: how requests are sent, retry rounds included (default: the spec's 'mode', "
          + "else batch). Online calls answer at once at the full price; auto sends a round online when it has fewer "
          + "than online.autoBelow requests.")
  String mode;
}
