package dev.vbatch.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What 'run' and 'submit' are given: the job spec, and where results go. */
final class NewRunOptions {
  @Parameters(index = "0", paramLabel = "SPEC", description = "The job spec, e.g. jobs/sample-invoices/job.yaml.")
  Path specFile;

  @Option(names = {"-o", "--out"}, paramLabel = "DIR",
      description = "Where to write results (default: the spec's 'output', else ./vbatch-out/NAME).")
  Path out;
}
