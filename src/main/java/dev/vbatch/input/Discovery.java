package dev.vbatch.input;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.vbatch.spec.InputSpec;
import dev.vbatch.util.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Finds a job's items, in a stable order (by path, or by table row), then applies sampling and the
 * limit. Items that are found but cannot be used (a symlink loop, a bad table row) come back
 * already skipped, so nothing found is lost.
 */
public final class Discovery {
  private Discovery() {}

  /** Items found, in order; skipped ones carry their reason. */
  public static List<PlannedItem> discover(InputSpec input) throws IOException {
    return discover(input, RemoteObjects.NONE);
  }

  /** As above; objects under a gs:// prefix are listed through {@code cloud}. */
  public static List<PlannedItem> discover(InputSpec input, RemoteObjects cloud) throws IOException {
    List<PlannedItem> found;
    if (input.files().isPresent() && input.files().get().cloudRoot().isPresent()) {
      found = cloudFiles(input.files().get(), cloud);
    } else if (input.files().isPresent()) {
      found = files(input.files().get());
    } else if (input.table().isPresent()) {
      found = table(input.table().get(), cloud);
    } else if (input.requests().isPresent()) {
      found = RequestLines.read(input.requests().get(), cloud);
    } else {
      found = List.of();
    }
    return select(found, input.sample(), input.seed(), input.limit());
  }

  static List<PlannedItem> select(
      List<PlannedItem> found, Optional<Integer> sample, long seed, Optional<Integer> limit) {
    List<PlannedItem> chosen = found;
    if (sample.isPresent() && sample.get() < found.size()) {
      List<Integer> indexes = new ArrayList<>();
      for (int i = 0; i < found.size(); i++) {
        indexes.add(i);
      }
      java.util.Collections.shuffle(indexes, new Random(seed));
      List<Integer> picked = new ArrayList<>(indexes.subList(0, sample.get()));
      picked.sort(Comparator.naturalOrder());
      chosen = picked.stream().map(found::get).toList();
    }
    if (limit.isPresent() && limit.get() < chosen.size()) {
      chosen = chosen.subList(0, limit.get());
    }
    return List.copyOf(chosen);
  }

  private static List<PlannedItem> files(InputSpec.Files spec) throws IOException {
    Path root = spec.root();
    PathMatcher glob = spec.glob().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).orElse(null);
    List<PathMatcher> includes = matchers(spec.include());
    List<PathMatcher> excludes = matchers(spec.exclude());
    List<PlannedItem> out = new ArrayList<>();
    int depth = spec.recursive() || (glob != null && spec.glob().get().contains("/")) ? Integer.MAX_VALUE : 1;
    Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), depth, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        return !dir.equals(root) && dir.getFileName().toString().startsWith(".")
            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        Path rel = root.relativize(file);
        if (file.getFileName().toString().startsWith(".") || attrs.isDirectory()) {
          return FileVisitResult.CONTINUE;
        }
        if (glob != null && !glob.matches(rel)) {
          return FileVisitResult.CONTINUE;
        }
        if (!includes.isEmpty() && includes.stream().noneMatch(m -> matches(m, rel))) {
          return FileVisitResult.CONTINUE;
        }
        if (excludes.stream().anyMatch(m -> matches(m, rel))) {
          return FileVisitResult.CONTINUE;
        }
        out.add(new PlannedItem(fileItem(root, file), Optional.empty(), Optional.empty()));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) {
        Item item = fileItem(root, file);
        if (e instanceof FileSystemLoopException) {
          out.add(PlannedItem.skipped(item, "symlink-loop", file + " is a symbolic link that loops back to " + "a parent directory; remove the link or exclude it"));
        } else {
          out.add(PlannedItem.skipped(item, "unreadable", file + " cannot be read: " + e));
        }
        return FileVisitResult.CONTINUE;
      }
    });
    out.sort(Comparator.comparing(p -> p.item().id()));
    return out;
  }

  /** The objects under the prefix, filtered like local files by their names below it. */
  private static List<PlannedItem> cloudFiles(InputSpec.Files spec, RemoteObjects cloud) throws IOException {
    String root = spec.cloudRoot().get();
    PathMatcher glob = spec.glob().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).orElse(null);
    boolean deep = spec.recursive() || (glob != null && spec.glob().get().contains("/"));
    List<PathMatcher> includes = matchers(spec.include());
    List<PathMatcher> excludes = matchers(spec.exclude());
    List<PlannedItem> out = new ArrayList<>();
    for (RemoteObject object : cloud.list(root)) {
      String name = object.uri().substring(root.length());
      Path rel = Path.of(name);
      if (name.isEmpty() || (!deep && name.contains("/")) || name.startsWith(".") || name.contains("/.")) {
        continue;
      }
      if ((glob != null && !glob.matches(rel))
          || (!includes.isEmpty() && includes.stream().noneMatch(m -> matches(m, rel)))
          || excludes.stream().anyMatch(m -> matches(m, rel))) {
        continue;
      }
      Map<String, String> vars = new LinkedHashMap<>();
      vars.put("item.id", object.uri());
      putFileVars(vars, rel, object.uri());
      out.add(new PlannedItem(new Item(object.uri(), Map.copyOf(vars), Optional.empty(), Optional.empty(),
          Optional.of(object)), Optional.empty(), Optional.empty()));
    }
    return out;
  }

  private static boolean matches(PathMatcher m, Path rel) {
    return m.matches(rel) || m.matches(rel.getFileName());
  }

  private static List<PathMatcher> matchers(List<String> patterns) {
    return patterns.stream().map(p -> FileSystems.getDefault().getPathMatcher("glob:" + p)).toList();
  }

  static Item fileItem(Path root, Path file) {
    String rel = root.relativize(file).toString().replace('\\', '/');
    Map<String, String> vars = new LinkedHashMap<>();
    vars.put("item.id", rel);
    putFileVars(vars, file, rel);
    return new Item(rel, Map.copyOf(vars), Optional.of(file), Optional.empty());
  }

  static void putFileVars(Map<String, String> vars, Path file, String shownPath) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    vars.put("file.name", name);
    vars.put("file.path", shownPath);
    vars.put("file.stem", dot > 0 ? name.substring(0, dot) : name);
    vars.put("file.ext", dot > 0 ? name.substring(dot + 1) : "");
    vars.put("file.mime", "");
  }

  private static List<PlannedItem> table(InputSpec.Table spec, RemoteObjects cloud) throws IOException {
    List<PlannedItem> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    String tableName = spec.shownName();
    String unit = spec.bigquery().isPresent() ? " row " : " line ";
    int row = 0;
    for (RawRow raw : spec.bigquery().isPresent() ? bigqueryRows(spec, cloud) : rows(spec)) {
      row++;
      String fallbackId = tableName + ":" + row;
      if (raw.error() != null) {
        Item item = new Item(fallbackId, Map.of("item.id", fallbackId), Optional.empty(), Optional.empty());
        out.add(PlannedItem.skipped(item, "invalid-row", tableName + unit + raw.line() + ": " + raw.error()));
        continue;
      }
      Map<String, String> vars = new LinkedHashMap<>();
      spec.columns().forEach(c -> vars.put(c, raw.values().getOrDefault(c, "")));
      String id = spec.idColumn().map(c -> raw.values().getOrDefault(c, "")).filter(s -> !s.isBlank()).orElse(fallbackId);
      vars.put("item.id", id);
      vars.put("row", String.valueOf(row));
      Optional<Path> file = Optional.empty();
      Optional<RemoteObject> object = Optional.empty();
      String fileRef = spec.fileColumn().map(c -> raw.values().getOrDefault(c, "").trim()).orElse("");
      if (spec.fileColumn().isPresent()) {
        if (!fileRef.isEmpty() && !fileRef.startsWith("gs://") && spec.bigquery().isEmpty()) {
          Path p = spec.path().toAbsolutePath().getParent().resolve(fileRef).normalize();
          file = Optional.of(p);
          putFileVars(vars, p, fileRef);
        } else {
          putFileVars(vars, Path.of(fileRef.isEmpty() ? "none" : fileRef.substring(fileRef.lastIndexOf('/') + 1)), fileRef);
          object = fileRef.isEmpty() ? Optional.empty() : Optional.of(RemoteObject.unresolved(fileRef));
        }
      }
      Optional<String> text = spec.textColumn().map(c -> raw.values().getOrDefault(c, ""));
      Item item = new Item(id, Map.copyOf(vars), file, text, object);
      if (!ids.add(id)) {
        out.add(PlannedItem.skipped(item, "duplicate-id", tableName + unit + raw.line() + ": id '" + id + "' in column '" + spec.idColumn().orElse("") + "' was already used by an earlier row"));
      } else if (file.isEmpty() && object.isEmpty() && text.map(String::isBlank).orElse(true)) {
        out.add(PlannedItem.skipped(item, "empty-row", tableName + unit + raw.line() + ": no text and no file; nothing to send"));
      } else {
        out.add(new PlannedItem(item, Optional.empty(), Optional.empty()));
      }
    }
    return out;
  }

  private record RawRow(long line, Map<String, String> values, String error) {}

  /**
   * The rows of a BigQuery table, read a page at a time; "line" is the row's position. Every column
   * the job uses must be in the table; a file column must hold gs:// URIs (a row with another kind
   * of value is skipped with its position).
   */
  private static Iterable<RawRow> bigqueryRows(InputSpec.Table spec, RemoteObjects cloud) throws IOException {
    String table = spec.bigquery().orElseThrow();
    RemoteObjects.TableRows rows = cloud.table(table);
    List<String> missing = spec.columns().stream().filter(c -> !rows.columns().contains(c)).toList();
    if (!missing.isEmpty()) {
      throw new IOException("BigQuery table " + table + " has no column " + String.join(", ", missing)
          + " (named in input.table or used in the prompt); its columns are: " + String.join(", ", rows.columns()));
    }
    return () -> new java.util.Iterator<>() {
      private final java.util.Iterator<Map<String, String>> it = rows.rows().iterator();
      private long position;

      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public RawRow next() {
        Map<String, String> values = new LinkedHashMap<>();
        it.next().forEach((k, v) -> values.put(k, v == null ? "" : v));
        position++;
        String file = spec.fileColumn().map(c -> values.getOrDefault(c, "").trim()).orElse("");
        if (!file.isEmpty() && !file.startsWith("gs://")) {
          return new RawRow(position, Map.of(), "column '" + spec.fileColumn().get() + "' is '" + file
              + "'; a BigQuery table's file column must hold gs:// URIs");
        }
        return new RawRow(position, values, null);
      }
    };
  }

  /**
   * A CSV row that cannot be read, in the terms of the file (values, columns, quotes), not of the
   * parser: its messages carry source excerpts and internal names.
   */
  static String csvProblem(RuntimeException e, com.fasterxml.jackson.core.FormatSchema schema) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    String message = cause instanceof com.fasterxml.jackson.core.JsonProcessingException p
        ? p.getOriginalMessage() : String.valueOf(cause.getMessage());
    String columns = schema instanceof CsvSchema csv && csv.size() > 0
        ? " (" + csv.size() + ": " + String.join(", ", csv.getColumnNames()) + ")" : "";
    if (message.startsWith("Too many entries")) {
      return "has more values than the header has columns" + columns + "; quote a value that holds a comma";
    }
    if (message.contains("Missing closing quote")) {
      return "has a quote (\") that is never closed, so the rest of the file is read as one value; close it or "
          + "double a quote inside a quoted value (\"\")";
    }
    return "cannot be read as CSV: " + message.lines().findFirst().orElse("").replaceAll(" \\(value #.*$", "");
  }

  /** A JSONL line that is not JSON: the column and what was found, without the parser's excerpt. */
  static String jsonProblem(com.fasterxml.jackson.core.JsonProcessingException e) {
    String message = e.getOriginalMessage().lines().findFirst().orElse("");
    String found = message.replaceFirst(": was expecting.*$", "").replaceFirst("\\s*\\(for .*$", "");
    String column = e.getLocation() == null ? "" : " at column " + e.getLocation().getColumnNr();
    return "is not valid JSON" + column + ": " + found + "; each line must be one JSON object";
  }

  private static List<RawRow> rows(InputSpec.Table spec) throws IOException {
    List<RawRow> rows = new ArrayList<>();
    if (spec.format() == InputSpec.Format.CSV) {
      CsvMapper csv = new CsvMapper();
      CsvSchema schema = CsvSchema.emptySchema().withHeader();
      try (Reader reader = Files.newBufferedReader(spec.path());
          MappingIterator<Map<String, String>> it = csv.readerForMapOf(String.class).with(schema).readValues(reader)) {
        while (it.hasNext()) {
          long line = it.getCurrentLocation().getLineNr();
          try {
            Map<String, String> values = new LinkedHashMap<>();
            it.next().forEach((k, v) -> values.put(k.trim(), v));
            rows.add(new RawRow(line, values, null));
          } catch (RuntimeException e) {
            rows.add(new RawRow(line, Map.of(), csvProblem(e, it.getParserSchema())));
          }
        }
      }
      return rows;
    }
    try (BufferedReader reader = Files.newBufferedReader(spec.path())) {
      String text;
      long line = 0;
      while ((text = reader.readLine()) != null) {
        line++;
        if (text.isBlank()) {
          continue;
        }
        try {
          JsonNode node = Json.MAPPER.readTree(text);
          if (!node.isObject()) {
            rows.add(new RawRow(line, Map.of(), "is not a JSON object"));
            continue;
          }
          Map<String, String> values = new LinkedHashMap<>();
          node.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
          rows.add(new RawRow(line, values, null));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          rows.add(new RawRow(line, Map.of(), jsonProblem(e)));
        }
      }
    }
    return rows;
  }
}
