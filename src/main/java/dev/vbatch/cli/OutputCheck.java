package dev.vbatch.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * Where results go, checked before anything is planned, staged or submitted: a run that could not
 * write its results at the end must not have paid for its jobs first.
 */
final class OutputCheck {
  private OutputCheck() {}

  /** {@code dir} is a writable directory, or can be made one; a usage error naming {@code what} otherwise. */
  static void writableDirectory(CommandLine cmd, String what, Path dir) {
    writableDirectory(cmd, what, dir, "results.jsonl, failures.jsonl and summary.json");
  }

  /** As above, for a directory that holds {@code holds}. */
  static void writableDirectory(CommandLine cmd, String what, Path dir, String holds) {
    Path abs = dir.toAbsolutePath().normalize();
    if (Files.exists(abs) && !Files.isDirectory(abs)) {
      throw new CommandLine.ParameterException(cmd, what + " is " + dir + ", which is a file; vbatch writes " + holds
          + " into a directory: name a directory (it is created when missing)");
    }
    Path existing = abs;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null || !Files.isDirectory(existing)) {
      throw new CommandLine.ParameterException(cmd, what + " is " + dir + ", but " + existing + " is a file, so no directory "
          + "can be made there; name another directory");
    }
    if (!Files.isWritable(existing)) {
      throw new CommandLine.ParameterException(cmd, what + " is " + dir + ", and " + existing + " is not writable; name a "
          + "directory you may write to");
    }
  }

  /**
   * {@code home} is a directory vbatch can write in, made now if missing (a run writes there first
   * thing anyway); tried by writing, since a read-only mount or /proc can look writable to root.
   */
  static void writableHome(CommandLine cmd, String what, Path home) {
    writableDirectory(cmd, what, home, "its runs, locks and staged requests");
    try {
      Files.createDirectories(home);
      Files.delete(Files.createTempFile(home, ".probe", ".tmp"));
    } catch (java.io.IOException | RuntimeException e) {
      String why = e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null
          ? fs.getFile() + ": " + fs.getReason() : e instanceof java.nio.file.NoSuchFileException nf
          ? nf.getFile() + ": No such file or directory" : String.valueOf(e.getMessage());
      throw new CommandLine.ParameterException(cmd, what + " is " + home + ", which cannot be made a directory vbatch can "
          + "write to (" + why + "); name a directory you may write to");
    }
  }

  /**
   * {@code dir} is not where the input files are found: the next run would send this run's
   * results.jsonl and summary.json as items.
   */
  static void outsideInputs(CommandLine cmd, String what, Path dir, Path inputRoot, boolean recursive) {
    Path out = dir.toAbsolutePath().normalize();
    Path in = inputRoot.toAbsolutePath().normalize();
    if (out.equals(in) || (recursive && out.startsWith(in))) {
      throw new CommandLine.ParameterException(cmd, what + " is " + dir + ", inside the input folder " + inputRoot
          + ": the next run would read its own results as inputs; write them elsewhere (for example vbatch-out/NAME)");
    }
  }
}
