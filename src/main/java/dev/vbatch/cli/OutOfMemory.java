package dev.vbatch.cli;

/**
 * Running out of memory, told in one line: the stage it happened in, the heap the JVM had, and how
 * to give it more, instead of a stack trace. The stage is the last one that reported progress.
 */
final class OutOfMemory {
  private static volatile String stage = "start";

  private OutOfMemory() {}

  /** Notes the stage that is running (from its progress events). */
  static void at(String name) {
    stage = name;
  }

  /** The OutOfMemoryError behind {@code e}, if that is what it is. */
  static boolean isCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof OutOfMemoryError) {
        return true;
      }
    }
    return false;
  }

  static String message() {
    long mb = Runtime.getRuntime().maxMemory() / (1024 * 1024);
    return "out of memory in stage '" + stage + "' with a Java heap of " + mb + " MB: give vbatch more, e.g. "
        + "VBATCH_JAVA_OPTS=-Xmx" + Math.max(2, 2 * Math.round(mb / 1024.0)) + "g scripts/vbatch ... "
        + "(or java -Xmx... -jar vbatch.jar), then run the same command again: the run resumes where it stopped";
  }
}
