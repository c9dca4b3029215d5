package dev.vbatch.input;

import dev.vbatch.spec.InputSpec;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A run that found no item to send. An empty night is not a success a scheduler should read as
 * one, so it ends the run with a code of its own (unless input.allowEmpty or --allow-empty), and
 * the message says what was looked at and what each pattern left out, counted again only now that
 * the list came back empty.
 */
public final class NoItems extends IOException {
  public NoItems(String message) {
    super(message);
  }

  /** Why {@code input} found nothing, as one line ending in what to do. */
  public static NoItems explain(InputSpec input, Path specFile, RemoteObjects cloud) {
    String what;
    try {
      what = input.files().map(f -> f.cloudRoot().isPresent() ? cloud(f, cloud) : local(f))
          .orElseGet(() -> input.table().map(t -> "table " + t.shownName() + " has no rows").orElse("no input"));
    } catch (RuntimeException e) {
      what = "no input item was found";
    }
    return new NoItems("no input items: " + what + ". Fix 'input' in " + specFile
        + ", or pass --allow-empty (input.allowEmpty: true) where an empty night is expected");
  }

  private static String local(InputSpec.Files spec) {
    Path root = spec.root();
    List<String> names = new ArrayList<>();
    int hidden = 0;
    int deeper = 0;
    boolean deep = spec.recursive() || spec.glob().map(g -> g.contains("/")).orElse(false);
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (!Files.isRegularFile(p)) {
          continue;
        }
        Path rel = root.relativize(p);
        String shown = rel.toString().replace('\\', '/');
        if (shown.startsWith(".") || shown.contains("/.")) {
          hidden++;
        } else if (!deep && rel.getNameCount() > 1) {
          deeper++;
        } else {
          names.add(shown);
        }
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      return root + " cannot be listed: " + e.getMessage();
    }
    StringBuilder out = new StringBuilder();
    out.append(root).append(names.isEmpty() ? " holds no file" : " holds " + files(names.size()));
    excluded(spec, names, out);
    if (deeper > 0) {
      out.append("; ").append(files(deeper)).append(" in subfolders not read (input.files.recursive is false)");
    }
    if (hidden > 0) {
      out.append("; ").append(files(hidden)).append(" hidden (a name starting with '.') ignored");
    }
    return out.toString();
  }

  private static String cloud(InputSpec.Files spec, RemoteObjects cloud) {
    String root = spec.cloudRoot().orElseThrow();
    List<String> names = new ArrayList<>();
    try {
      for (RemoteObject object : cloud.list(root)) {
        String name = object.uri().substring(root.length());
        if (!name.isEmpty() && !name.startsWith(".") && !name.contains("/.")
            && (spec.recursive() || !name.contains("/"))) {
          names.add(name);
        }
      }
    } catch (IOException | RuntimeException e) {
      return root + " cannot be listed: " + e.getMessage();
    }
    StringBuilder out = new StringBuilder(root).append(names.isEmpty() ? " lists no object" : " lists " + names.size()
        + (names.size() == 1 ? " object" : " objects"));
    excluded(spec, names, out);
    return out.toString();
  }

  /** Appends how many of {@code names} the glob and each pattern left out; returns what is left. */
  private static List<String> excluded(InputSpec.Files spec, List<String> names, StringBuilder out) {
    List<String> left = names;
    if (spec.glob().isPresent()) {
      PathMatcher glob = matcher(spec.glob().get());
      List<String> kept = left.stream().filter(n -> glob.matches(Path.of(n))).toList();
      out.append("; ").append(left.size() - kept.size()).append(" not matching '").append(spec.glob().get()).append("'");
      left = kept;
    }
    if (!spec.include().isEmpty() && !left.isEmpty()) {
      List<PathMatcher> includes = spec.include().stream().map(NoItems::matcher).toList();
      List<String> kept = left.stream().filter(n -> includes.stream().anyMatch(m -> matches(m, n))).toList();
      out.append("; ").append(left.size() - kept.size()).append(" left out by include ").append(spec.include());
      left = kept;
    }
    Map<String, Integer> byPattern = new LinkedHashMap<>();
    List<String> kept = new ArrayList<>();
    for (String name : left) {
      String hit = spec.exclude().stream().filter(p -> matches(matcher(p), name)).findFirst().orElse(null);
      if (hit == null) {
        kept.add(name);
      } else {
        byPattern.merge(hit, 1, Integer::sum);
      }
    }
    spec.exclude().forEach(p -> out.append("; ").append(byPattern.getOrDefault(p, 0))
        .append(" excluded by '").append(p).append("'"));
    return kept;
  }

  private static boolean matches(PathMatcher m, String name) {
    Path rel = Path.of(name);
    return m.matches(rel) || m.matches(rel.getFileName());
  }

  private static PathMatcher matcher(String glob) {
    return FileSystems.getDefault().getPathMatcher("glob:" + glob);
  }

  private static String files(int n) {
    return n + (n == 1 ? " file" : " files");
  }
}
