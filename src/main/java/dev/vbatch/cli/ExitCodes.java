package dev.vbatch.cli;

/** The exit codes of every vbatch command, so a scheduler can tell failures apart. */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int ERROR = 1;
  public static final int USAGE = 2;
  public static final int CLOUD = 3;
  public static final int JOB_FAILED = 4;
  public static final int ITEMS_FAILED = 5;
  public static final int LOCKED = 6;
  public static final int EMPTY = 7;

  // The lines of --help's exit code list (picocli's "code:description" form).
  static final String L0 = " 0:every item succeeded";
  static final String L1 = " 1:unexpected error (run again with --stacktrace to see where)";
  static final String L2 = " 2:usage error or invalid job spec";
  static final String L3 = " 3:cloud error: credentials, permission, quota, not found";
  static final String L4 = " 4:items were lost to a batch job that failed, was cancelled, expired or timed out, "
      + "or to an online round stopped by online.maxFailed";
  static final String L5 = " 5:the run finished but some items failed or were skipped";
  static final String L130 = "130:interrupted (Ctrl+C, SIGTERM): the run is detached, not lost; its jobs keep running "
      + "and 'vbatch resume RUN' takes it up";
  static final String L6 = " 6:another vbatch process owns the run (nothing was done; --wait-lock waits for it)";

  static final String L7 = " 7:no input item was found, or the patterns excluded every one (nothing was sent; "
      + "--allow-empty accepts an empty night)";

  private ExitCodes() {}
}
