package dev.vbatch.cli;

import dev.vbatch.spec.SpecException;
import dev.vbatch.storage.StateMirror;
import dev.vbatch.vertex.CloudException;
import java.io.PrintWriter;
import picocli.CommandLine;

/** The vbatch command line. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    PrintWriter err = new PrintWriter(System.err, true);
    int code;
    try {
      code = execute(Context.system(), new PrintWriter(System.out, true), err, args);
    } catch (OutOfMemoryError e) {
      err.println("error: " + OutOfMemory.message());
      code = ExitCodes.ERROR;
    }
    System.exit(code);
  }

  /** Runs one command line; tests call this with captured streams and a fake clock. */
  public static int execute(Context context, PrintWriter out, PrintWriter err, String... args) {
    CommandLine cmd = new CommandLine(new VbatchCommand(), new Factory(context));
    cmd.setOut(out);
    cmd.setErr(err);
    cmd.setExecutionExceptionHandler((e, line, parseResult) -> handle(e, line, parseResult, context));
    cmd.setParameterExceptionHandler((e, ignored) -> usageError(e, context));
    cmd.setUsageHelpLongOptionsMaxWidth(36);
    cmd.setExecutionStrategy(parse -> withStateMirror(parse, context, out));
    return cmd.execute(args);
  }

  /**
   * A command line that cannot be used: the message, a suggestion for a mistyped option, and where
   * help is; not the whole usage, which would bury the one line that matters.
   */
  private static int usageError(CommandLine.ParameterException e, Context context) {
    CommandLine line = e.getCommandLine();
    CommandLine.ParseResult parse = line.getParseResult();
    boolean json = parse != null && jsonLogs(parse, context);
    PrintWriter err = json ? new JsonLines(line.getErr()) : line.getErr();
    err.println("error: " + e.getMessage());
    if (!json) {
      CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
      err.println("Try '" + line.getCommandSpec().qualifiedName() + " --help' for more information.");
    }
    err.flush();
    return ExitCodes.USAGE;
  }

  private static int handle(Exception e, CommandLine line, CommandLine.ParseResult parse, Context context) {
    PrintWriter err = jsonLogs(parse, context) ? new JsonLines(line.getErr()) : line.getErr();
    boolean stacktrace = parse.expandedArgs().contains("--stacktrace");
    int code;
    if (OutOfMemory.isCause(e)) {
      err.println("error: " + OutOfMemory.message());
      code = ExitCodes.ERROR;
    } else if (e instanceof SpecException spec) {
      err.println("error: the job spec is not valid (" + spec.problems().size() + " problem"
          + (spec.problems().size() == 1 ? "" : "s") + "):");
      spec.problems().forEach(p -> err.println("  " + p));
      code = ExitCodes.USAGE;
    } else if (ownCode(e) != null) {
      err.println("error: " + e.getMessage());
      code = ownCode(e);
    } else if (e instanceof java.nio.file.NoSuchFileException missing) {
      err.println("error: no such file: " + missing.getFile());
      code = ExitCodes.ERROR;
    } else if (e instanceof java.nio.file.AccessDeniedException denied) {
      err.println("error: permission denied: " + denied.getFile());
      code = ExitCodes.ERROR;
    } else if (e instanceof java.io.IOException io && io.getMessage() != null) {
      err.println("error: " + io.getMessage());
      code = ExitCodes.ERROR;
    } else if (e instanceof InterruptedException) {
      err.println("interrupted");
      code = ExitCodes.ERROR;
    } else {
      err.println("error: " + e + (stacktrace ? "" : " (run with --stacktrace for details)"));
      code = ExitCodes.ERROR;
    }
    if (stacktrace) {
      e.printStackTrace(err);
    }
    err.flush();
    return code;
  }

  /**
   * Failures whose message is already the line to show, each with its exit code; checked before the
   * general I/O case, since NoItems is an IOException.
   */
  private static final java.util.List<java.util.Map.Entry<Class<? extends Exception>, Integer>> OWN_CODES = java.util.List.of(
      java.util.Map.entry(dev.vbatch.run.RunLock.Held.class, ExitCodes.LOCKED),
      java.util.Map.entry(dev.vbatch.input.NoItems.class, ExitCodes.EMPTY),
      java.util.Map.entry(dev.vbatch.request.RequestRefused.class, ExitCodes.USAGE),
      java.util.Map.entry(CloudException.class, ExitCodes.CLOUD));

  private static Integer ownCode(Exception e) {
    return OWN_CODES.stream().filter(c -> c.getKey().isInstance(e)).map(java.util.Map.Entry::getValue).findFirst().orElse(null);
  }

  /**
   * Runs the command, with its run state mirrored to Cloud Storage when --state (or VBATCH_STATE)
   * names a gs:// prefix: copied down first, copied up as it is written, and whatever is left when
   * the command ends, even when it fails.
   */
  private static int withStateMirror(CommandLine.ParseResult parse, Context context, PrintWriter out) {
    CommandLine.ParseResult leaf = leaf(parse);
    String state = leaf.matchedOptionValue("--state", context.env().get("VBATCH_STATE"));
    CommandLine.Model.OptionSpec stateOption = leaf.commandSpec().findOption("--state");
    // A command's own --state (jobs: a job's state) is not the run state's gs:// prefix.
    if (state == null || state.isBlank() || stateOption == null || !CommonOptions.STATE_LABEL.equals(stateOption.paramLabel())
        || leaf.isUsageHelpRequested() || leaf.isVersionHelpRequested()) {
      return new CommandLine.RunLast().execute(parse);
    }
    CommandLine line = leaf.commandSpec().commandLine();
    if (!state.startsWith("gs://")) {
      throw new CommandLine.ParameterException(line, "--state is '" + state + "'; give a gs://BUCKET/PREFIX");
    }
    java.nio.file.Path home = CommonOptions.home(leaf.matchedOptionValue("--home", null), context.env());
    StateMirror mirror = new StateMirror(context.storage().get(), state, home);
    try {
      mirror.open();
    } catch (java.io.IOException | RuntimeException e) {
      throw new CommandLine.ExecutionException(line, "cannot copy run state down from " + state + ": " + e.getMessage(), e);
    }
    // Locks become leases under the shared state, so a container elsewhere does not drive the same run.
    dev.vbatch.storage.GcsLease lease = new dev.vbatch.storage.GcsLease(context.storage().get(),
        state.replaceFirst("/*$", "") + "/locks/", java.util.UUID.randomUUID().toString(),
        dev.vbatch.run.RunLock.holder(context.time().now()), LEASE_TIME, context.time());
    dev.vbatch.run.RunLock.useRemote(new dev.vbatch.run.RunLock.Remote(lease, mirror::pull));
    java.util.concurrent.ScheduledExecutorService renewer = renewing(lease, line.getErr());
    try {
      return new CommandLine.RunLast().execute(parse);
    } finally {
      renewer.shutdownNow();
      dev.vbatch.run.RunLock.useRemote(null);
      lease.releaseAll();
      try {
        mirror.close();
      } catch (java.io.IOException | RuntimeException e) {
        line.getErr().println("warning: could not copy run state up to " + state + ": " + e.getMessage());
      }
    }
  }

  private static final java.time.Duration LEASE_TIME = java.time.Duration.ofMinutes(2);

  /**
   * Renews the leases a third of the lease time apart, on a daemon thread. A lease found taken by
   * another machine (this one stalled longer than the lease time) is reported, since that machine may
   * now drive the run too.
   */
  private static java.util.concurrent.ScheduledExecutorService renewing(dev.vbatch.storage.GcsLease lease, PrintWriter err) {
    java.util.concurrent.ScheduledExecutorService renewer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "vbatch-lease");
      t.setDaemon(true);
      return t;
    });
    long every = lease.ttl().toMillis() / 3;
    renewer.scheduleWithFixedDelay(() -> {
      try {
        for (String name : lease.renew()) {
          err.println("error: the lease " + name + " was taken over by another machine after this process stalled "
              + "longer than " + dev.vbatch.util.Durations.format(lease.ttl()) + "; stop this process and follow the run "
              + "with 'vbatch runs'");
        }
      } catch (java.io.IOException | RuntimeException e) {
        err.println("warning: could not renew the run's lease: " + e.getMessage() + " (retrying)");
      }
    }, every, every, java.util.concurrent.TimeUnit.MILLISECONDS);
    return renewer;
  }

  /** The parse result of the subcommand that runs. */
  private static CommandLine.ParseResult leaf(CommandLine.ParseResult parse) {
    CommandLine.ParseResult leaf = parse;
    while (leaf.hasSubcommand()) {
      leaf = leaf.subcommand();
    }
    return leaf;
  }

  /** Whether the failed command logs JSON lines (--json, --console json, or auto under Cloud Run). */
  private static boolean jsonLogs(CommandLine.ParseResult parse, Context context) {
    CommandLine.ParseResult leaf = leaf(parse);
    try {
      String console = leaf.matchedOptionValue("--console", context.env().getOrDefault("VBATCH_CONSOLE", "auto"));
      return CommonOptions.mode(leaf.hasMatchedOption("--json"), console, context.terminal(), context.env())
          == ConsoleSink.Mode.JSON;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The error report as JSON lines with severity ERROR, for Cloud Logging: each println becomes one
   * line; a stack trace (--stacktrace) goes into the message of its own line.
   */
  private static final class JsonLines extends PrintWriter {
    private final PrintWriter target;
    private final StringBuilder pending = new StringBuilder();

    JsonLines(PrintWriter target) {
      super(new java.io.StringWriter());
      this.target = target;
    }

    @Override
    public void write(String s, int off, int len) {
      pending.append(s, off, off + len);
      int nl;
      while ((nl = pending.indexOf("\n")) >= 0) {
        emit(pending.substring(0, nl));
        pending.delete(0, nl + 1);
      }
    }

    @Override
    public void write(int c) {
      write(String.valueOf((char) c), 0, 1);
    }

    @Override
    public void write(char[] buf, int off, int len) {
      write(new String(buf, off, len), 0, len);
    }

    @Override
    public void println() {
      write("\n", 0, 1);
    }

    private void emit(String line) {
      if (!line.isBlank()) {
        String message = line.startsWith("error: ") ? line.substring("error: ".length()) : line;
        target.println(dev.vbatch.util.Json.object().put("severity", "ERROR").put("message", message));
      }
    }

    @Override
    public void flush() {
      if (pending.length() > 0) {
        emit(pending.toString());
        pending.setLength(0);
      }
      target.flush();
    }
  }

  static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** Gives commands their context. */
  private record Factory(Context context) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> cls) throws Exception {
      try {
        return cls.getDeclaredConstructor(Context.class).newInstance(context);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(cls);
      }
    }
  }
}
