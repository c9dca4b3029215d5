package dev.vbatch.cli;

import picocli.CommandLine.Command;

/** {@code vbatch resume RUN}: takes an unfinished run up where it stopped. */
@Command(
    name = "resume",
    mixinStandardHelpOptions = true,
    description = {
      "Takes up a run where it stopped (a crash, Ctrl+C, a lost machine) and drives it to its results: builds "
          + "what was not built, submits the shards that have no job yet (a shard whose job was created just before "
          + "the stop is found by its labels, never submitted twice), waits, collects, retries and writes. "
          + "Running the same spec again with 'run' does the same for its newest unfinished run.",
    },
    footerHeading = "%nExamples:%n",
    footer = {"  vbatch runs --unfinished", "  vbatch resume 20261121-030000-1a2b"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {ExitCodes.L0, ExitCodes.L1, ExitCodes.L2, ExitCodes.L3, ExitCodes.L4, ExitCodes.L5, ExitCodes.L6, ExitCodes.L130})
final class ResumeCommand extends FetchCommand {
  ResumeCommand(Context context) {
    super(context);
  }
}
