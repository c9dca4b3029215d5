package dev.vbatch.cli;

import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import dev.vbatch.util.TimeSource;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a command gets from its surroundings; tests build one with a fake clock, captured streams
 * and, where they need one, an in-memory Cloud Storage.
 */
public record Context(TimeSource time, Map<String, String> env, boolean terminal, Supplier<Storage> storage) {
  public Context(TimeSource time, Map<String, String> env, boolean terminal) {
    this(time, env, terminal, () -> StorageOptions.getDefaultInstance().getService());
  }

  public static Context system() {
    return new Context(TimeSource.SYSTEM, System.getenv(), System.console() != null);
  }
}
