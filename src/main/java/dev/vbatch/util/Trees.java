package dev.vbatch.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A folder and everything in it. */
public final class Trees {
  private Trees() {}

  /** Deletes {@code dir} and what it holds, deepest first; true if there was one. */
  public static boolean delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return false;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    return true;
  }
}
