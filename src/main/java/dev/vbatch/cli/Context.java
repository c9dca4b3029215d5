package dev.vbatch.cli;

import dev.vbatch.util.TimeSource;
import java.util.Map;

/** What a command gets from its surroundings; tests build one with a fake clock and captured streams. */
public record Context(TimeSource time, Map<String, String> env, boolean terminal) {
  public static Context system() {
    return new Context(TimeSource.SYSTEM, System.getenv(), System.console() != null);
  }

}
