package dev.vbatch.cli;

import dev.vbatch.spec.SpecException;
import dev.vbatch.vertex.CloudException;
import java.io.PrintWriter;
import picocli.CommandLine;

/** The vbatch command line. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(execute(Context.system(), new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs one command line; tests call this with captured streams and a fake clock. */
  public static int execute(Context context, PrintWriter out, PrintWriter err, String... args) {
    CommandLine cmd = new CommandLine(new VbatchCommand(), new Factory(context));
    cmd.setOut(out);
    cmd.setErr(err);
    cmd.setExecutionExceptionHandler((e, line, parseResult) -> handle(e, line, parseResult));
    cmd.setUsageHelpLongOptionsMaxWidth(36);
    return cmd.execute(args);
  }

  private static int handle(Exception e, CommandLine line, CommandLine.ParseResult parse) {
    PrintWriter err = line.getErr();
    boolean stacktrace = parse.expandedArgs().contains("--stacktrace");
    int code;
    if (e instanceof SpecException spec) {
      err.println("error: the job spec is not valid (" + spec.problems().size() + " problem"
          + (spec.problems().size() == 1 ? "" : "s") + "):");
      spec.problems().forEach(p -> err.println("  " + p));
      code = ExitCodes.USAGE;
    } else if (e instanceof CommandLine.ParameterException usage) {
      err.println("error: " + usage.getMessage());
      err.println("Try '" + line.getCommandSpec().qualifiedName() + " --help' for more information.");
      code = ExitCodes.USAGE;
    } else if (e instanceof CloudException cloud) {
      err.println("error: " + cloud.getMessage());
      code = ExitCodes.CLOUD;
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
