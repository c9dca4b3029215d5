package dev.vbatch.cli;

import picocli.CommandLine.Command;

/** {@code vbatch wait RUN}: polls until every job of the run has ended, then shows their state. */
@Command(
    name = "wait",
    mixinStandardHelpOptions = true,
    description = "Waits until every batch job of a run has ended (polling with backoff), then shows their state. "
        + "Fetch the results afterwards with 'fetch'.",
    footerHeading = "%nExamples:%n",
    footer = {"  vbatch wait 20261121-030000-1a2b && vbatch fetch 20261121-030000-1a2b"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {" 0:every job ended and none failed", ExitCodes.L1, ExitCodes.L2, ExitCodes.L3, ExitCodes.L4})
final class WaitCommand extends StatusCommand {
  WaitCommand(Context context) {
    super(context);
  }

  @Override
  boolean waits() {
    return true;
  }
}
