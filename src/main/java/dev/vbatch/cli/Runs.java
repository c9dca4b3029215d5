package dev.vbatch.cli;

import dev.vbatch.run.RunState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** The runs kept under HOME/runs. */
final class Runs {
  private Runs() {}

  /** Every run whose state can be read, newest first. */
  static List<RunState> all(Path runsDir) throws IOException {
    return all(runsDir, problem -> {});
  }

  /** As above, telling {@code unreadable} of each state file that cannot be read, and why. */
  static List<RunState> all(Path runsDir, Consumer<String> unreadable) throws IOException {
    List<RunState> out = new ArrayList<>();
    if (!Files.isDirectory(runsDir)) {
      return out;
    }
    List<Path> dirs;
    try (Stream<Path> s = Files.list(runsDir)) {
      dirs = s.filter(d -> Files.isRegularFile(d.resolve("state.json"))).sorted(Comparator.reverseOrder()).toList();
    }
    for (Path d : dirs) {
      try {
        out.add(RunState.load(d.resolve("state.json")));
      } catch (IOException e) {
        unreadable.accept(e.getMessage() + "; it is left out");
      }
    }
    return out;
  }

  /** The newest run of this spec that neither finished nor was cancelled. */
  static Optional<RunState> unfinished(Path runsDir, Path specFile, Consumer<String> unreadable) throws IOException {
    String spec = specFile.toAbsolutePath().toString();
    return all(runsDir, unreadable).stream().filter(s -> spec.equals(s.spec) && !"done".equals(s.stage) && !s.cancelled).findFirst();
  }
}
