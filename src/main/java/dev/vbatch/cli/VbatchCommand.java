package dev.vbatch.cli;

import picocli.CommandLine.Command;

/** The root command. */
@Command(
    name = "vbatch",
    mixinStandardHelpOptions = true,
    versionProvider = VbatchCommand.Version.class,
    subcommands = {RunCommand.class, PlanCommand.class, SubmitCommand.class, StatusCommand.class, WaitCommand.class, FetchCommand.class, ResumeCommand.class, RunsCommand.class, JobsCommand.class, CancelCommand.class, DeleteCommand.class, EmulatorCommand.class, picocli.CommandLine.HelpCommand.class},
    description = {
      "Runs Vertex AI batch prediction for Gemini models: a job spec in, one validated, structured result per input item out.",
      "",
      "Without a Google Cloud project in the spec, jobs run on the local Vertex AI emulator."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  vbatch plan jobs/sample-invoices/job.yaml",
      "  vbatch run jobs/sample-invoices/job.yaml --out out/invoices",
      "  vbatch emulator --port 8765",
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {ExitCodes.L0, ExitCodes.L1, ExitCodes.L2, ExitCodes.L3, ExitCodes.L4, ExitCodes.L5})
public final class VbatchCommand {
  /** Reads the version from the jar's manifest. */
  static final class Version implements picocli.CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"vbatch " + Main.version()};
    }
  }
}
