package dev.vbatch.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.vbatch.util.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Reads and checks the {@code input} section of a spec. */
final class InputReader {
  static final List<String> FILE_VARIABLES =
      List.of("file.name", "file.path", "file.stem", "file.ext", "file.mime");

  /** In the variables of a BigQuery table's items: any name may be a column, checked when the table is read. */
  static final String ANY_COLUMN = "*";

  private final Path dir;
  private final Problems problems;
  private final Optional<String> project;

  InputReader(Path dir, Problems problems, Optional<String> project) {
    this.dir = dir;
    this.problems = problems;
    this.project = project;
  }

  /** The template variables items of this input carry. */
  static Set<String> variables(InputSpec input) {
    Set<String> vars = new LinkedHashSet<>();
    vars.add("item.id");
    input.files().ifPresent(f -> vars.addAll(FILE_VARIABLES));
    input.table().ifPresent(t -> {
      vars.add("row");
      vars.addAll(t.columns());
      if (t.bigquery().isPresent()) {
        vars.add(ANY_COLUMN);
      }
      if (t.fileColumn().isPresent()) {
        vars.addAll(FILE_VARIABLES);
      }
    });
    return vars;
  }

  InputSpec read(JsonNode node) {
    InputSpec empty = new InputSpec(Optional.empty(), Optional.empty(), Optional.empty(), 0, Optional.empty());
    if (node == null || node.isNull()) {
      problems.error("input", "is missing; give 'files' (a directory or glob) or 'table' (a CSV or JSONL file)");
      return empty;
    }
    if (!node.isObject()) {
      problems.error("input", "must be a mapping with 'files' or 'table'");
      return empty;
    }
    problems.unknownKeys(node, Set.of("files", "table", "requests", "sample", "seed", "limit", "allowEmpty"), "input.");
    Optional<InputSpec.Files> files = Optional.empty();
    Optional<InputSpec.Table> table = Optional.empty();
    Optional<String> requests = Optional.empty();
    int kinds = (node.has("files") ? 1 : 0) + (node.has("table") ? 1 : 0) + (node.has("requests") ? 1 : 0);
    if (kinds > 1) {
      problems.error("input", "has " + (node.has("requests") ? "more than one of 'files', 'table' and 'requests'"
          : "both 'files' and 'table'") + "; a job reads one kind of input");
    } else if (node.has("requests")) {
      requests = RequestsReader.read(node.get("requests"), dir, problems);
    } else if (node.has("files")) {
      files = files(node.get("files"));
    } else if (node.has("table")) {
      table = table(node.get("table"));
    } else {
      problems.error("input", "needs 'files' (a directory or glob), 'table' (a CSV or JSONL file) or 'requests' (a file of "
          + "Vertex batch request lines)");
    }
    Optional<Integer> sample = positive(node, "sample");
    Optional<Integer> limit = positive(node, "limit");
    long seed = 0;
    if (node.has("seed")) {
      if (node.get("seed").isIntegralNumber()) {
        seed = node.get("seed").asLong();
      } else {
        problems.error("input.seed", "is '" + node.get("seed").asText() + "'; it must be a whole number");
      }
    }
    boolean allowEmpty = false;
    if (node.has("allowEmpty")) {
      if (node.get("allowEmpty").isBoolean()) {
        allowEmpty = node.get("allowEmpty").asBoolean();
      } else {
        problems.error("input.allowEmpty", "is '" + node.get("allowEmpty").asText() + "'; it must be true or false");
      }
    }
    return new InputSpec(files, table, sample, seed, limit, allowEmpty, requests);
  }


  private Optional<Integer> positive(JsonNode node, String key) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isIntegralNumber() || v.asLong() < 1 || v.asLong() > Integer.MAX_VALUE) {
      problems.error("input." + key, "is '" + v.asText() + "'; it must be a whole number of items, at least 1");
      return Optional.empty();
    }
    return Optional.of(v.asInt());
  }

  private Optional<InputSpec.Files> files(JsonNode node) {
    String path;
    List<String> include = new ArrayList<>();
    List<String> exclude = new ArrayList<>();
    boolean recursive = true;
    if (node.isTextual()) {
      path = node.asText();
    } else if (node.isObject()) {
      problems.unknownKeys(node, Set.of("path", "include", "exclude", "recursive"), "input.files.");
      path = node.path("path").asText("");
      include = strings(node.get("include"), "input.files.include");
      exclude = strings(node.get("exclude"), "input.files.exclude");
      recursive = node.path("recursive").asBoolean(true);
    } else {
      problems.error("input.files", "must be a path or a mapping with 'path', 'include', 'exclude', 'recursive'");
      return Optional.empty();
    }
    if (path.isBlank()) {
      problems.error("input.files.path", "is missing; give a directory or a glob such as docs/**/*.pdf");
      return Optional.empty();
    }
    int wildcard = firstWildcard(path);
    if (path.startsWith("gs://")) {
      return cloudFiles(path, wildcard, include, exclude, recursive);
    }
    Path root;
    Optional<String> glob = Optional.empty();
    if (wildcard >= 0) {
      int slash = path.lastIndexOf('/', wildcard);
      root = dir.resolve(slash < 0 ? "." : path.substring(0, slash)).normalize();
      glob = Optional.of(path.substring(slash + 1));
    } else {
      root = dir.resolve(path).normalize();
    }
    if (!Files.isDirectory(root)) {
      problems.error("input.files", "names " + root + ", which is not a directory (paths are relative to " + dir + ")");
      return Optional.empty();
    }
    return Optional.of(new InputSpec.Files(root, glob, include, exclude, recursive));
  }

  /**
   * A gs://BUCKET/PREFIX, or a glob under one ({@code gs://b/scans/*.pdf}): the objects are listed
   * at plan time, referenced by URI and never copied.
   */
  private Optional<InputSpec.Files> cloudFiles(String path, int wildcard, List<String> include, List<String> exclude,
      boolean recursive) {
    String rest = path.substring("gs://".length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    if (!bucket.matches("[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]")) {
      problems.error("input.files", "is '" + path + "'; give gs://BUCKET/PREFIX with a valid bucket name (lowercase letters, "
          + "digits, '-', '_' and '.')");
      return Optional.empty();
    }
    Optional<String> glob = Optional.empty();
    String root;
    if (wildcard >= 0) {
      int cut = path.lastIndexOf('/', wildcard);
      if (cut < "gs://".length() + bucket.length()) {
        cut = "gs://".length() + bucket.length();
      }
      root = path.substring(0, cut) + "/";
      glob = Optional.of(path.substring(cut + 1));
    } else {
      root = path.endsWith("/") ? path : path + "/";
    }
    return Optional.of(new InputSpec.Files(dir, glob, include, exclude, recursive, Optional.of(root)));
  }

  private static int firstWildcard(String path) {
    for (int i = 0; i < path.length(); i++) {
      if ("*?[{".indexOf(path.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  private List<String> strings(JsonNode node, String property) {
    List<String> out = new ArrayList<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (node.isTextual()) {
      out.add(node.asText());
    } else if (node.isArray()) {
      node.forEach(n -> out.add(n.asText()));
    } else {
      problems.error(property, "must be a glob pattern or a list of them, e.g. [\"*.pdf\", \"*.png\"]");
    }
    return out;
  }

  private Optional<InputSpec.Table> table(JsonNode node) {
    if (node.isTextual()) {
      problems.error("input.table", "must be a mapping with 'path' and 'textColumn' or 'fileColumn'");
      return Optional.empty();
    }
    problems.unknownKeys(node, Set.of("path", "bigquery", "textColumn", "fileColumn", "idColumn", "onBadFile"), "input.table.");
    boolean textOnly = false;
    if (node.has("onBadFile")) {
      String v = node.get("onBadFile").asText("");
      if (v.equals("text-only")) {
        textOnly = true;
        if (!node.has("textColumn")) {
          problems.error("input.table.onBadFile", "is text-only, but the table has no textColumn to send instead of the file");
        }
      } else if (!v.equals("skip")) {
        problems.error("input.table.onBadFile", "is '" + v + "'; use skip (a row whose file cannot be sent is skipped, the "
            + "default) or text-only (it is sent with its text alone, and its result says so)");
      }
    }
    if (node.has("bigquery")) {
      boolean t = textOnly;
      return bigquery(node).map(b -> b.withTextOnlyOnBadFile(t));
    }
    String pathText = node.path("path").asText("");
    if (pathText.isBlank()) {
      problems.error("input.table.path", "is missing; give a .csv or .jsonl file (or 'bigquery: DATASET.TABLE' for a BigQuery table)");
      return Optional.empty();
    }
    Path path = dir.resolve(pathText).normalize();
    String lower = path.getFileName().toString().toLowerCase();
    InputSpec.Format format;
    if (lower.endsWith(".csv")) {
      format = InputSpec.Format.CSV;
    } else if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
      format = InputSpec.Format.JSONL;
    } else {
      problems.error("input.table.path", "is " + path.getFileName() + "; tables are .csv or .jsonl files");
      return Optional.empty();
    }
    if (!Files.isRegularFile(path)) {
      problems.error("input.table.path", "names " + path + ", which does not exist");
      return Optional.empty();
    }
    List<String> columns;
    try {
      columns = format == InputSpec.Format.CSV ? csvHeader(path) : jsonlKeys(path);
    } catch (IOException | RuntimeException e) {
      problems.error("input.table.path", "cannot be read: " + e.getMessage());
      return Optional.empty();
    }
    Optional<String> text = column(node, "textColumn", columns);
    Optional<String> fileColumn = column(node, "fileColumn", columns);
    Optional<String> id = column(node, "idColumn", columns);
    if (!node.has("textColumn") && !node.has("fileColumn")) {
      problems.error("input.table", "needs 'textColumn' or 'fileColumn' (or both); columns are: " + String.join(", ", columns));
    }
    return Optional.of(new InputSpec.Table(path, format, columns, text, fileColumn, id).withTextOnlyOnBadFile(textOnly));
  }

  /**
   * A BigQuery table: its columns are not known until the run reads its schema, so the column
   * settings are only recorded here; the columns the prompt uses are added by {@link #withColumns}.
   */
  private Optional<InputSpec.Table> bigquery(JsonNode node) {
    if (node.has("path")) {
      problems.error("input.table", "has both 'path' and 'bigquery'; a table is a file or a BigQuery table");
      return Optional.empty();
    }
    String ref = node.path("bigquery").asText("").trim();
    Optional<String[]> parts = BigQueryNames.table(ref);
    if (parts.isEmpty()) {
      problems.error("input.table.bigquery", "is '" + ref + "'; name a BigQuery table as [PROJECT.]DATASET.TABLE, e.g. invoices.scans");
      return Optional.empty();
    }
    boolean hasProject = parts.get().length == 3;
    if (!hasProject && project.isEmpty()) {
      problems.error("input.table.bigquery", "is '" + ref + "' without a project, and the spec has no project; write PROJECT.DATASET.TABLE");
      return Optional.empty();
    }
    String table = BigQueryNames.qualified(parts.get(), hasProject, project);
    Optional<String> text = name(node, "textColumn");
    Optional<String> file = name(node, "fileColumn");
    Optional<String> id = name(node, "idColumn");
    if (text.isEmpty() && file.isEmpty()) {
      problems.error("input.table", "needs 'textColumn' or 'fileColumn' (or both): the column holding each row's text or its gs:// file URI");
    }
    List<String> columns = new ArrayList<>();
    java.util.stream.Stream.of(text, file, id).flatMap(Optional::stream).distinct().forEach(columns::add);
    return Optional.of(new InputSpec.Table(Path.of(table), InputSpec.Format.BIGQUERY, List.copyOf(columns), text, file, id,
        Optional.of(table)));
  }

  private Optional<String> name(JsonNode node, String key) {
    if (!node.has(key)) {
      return Optional.empty();
    }
    String name = node.get(key).asText("").trim();
    if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      problems.error("input.table." + key, "is '" + name + "', which is not a BigQuery column name");
      return Optional.empty();
    }
    return Optional.of(name);
  }

  /**
   * For a BigQuery table, the input with the columns the job reads: the ones named by its column
   * settings and every prompt variable that is not a built-in one.
   */
  static InputSpec withColumns(InputSpec input, Set<String> promptVariables) {
    if (input.table().isEmpty() || input.table().get().bigquery().isEmpty()) {
      return input;
    }
    InputSpec.Table t = input.table().get();
    Set<String> builtIn = new LinkedHashSet<>(variables(new InputSpec(Optional.empty(),
        Optional.of(new InputSpec.Table(t.path(), t.format(), List.of(), t.textColumn(), t.fileColumn(), t.idColumn())),
        Optional.empty(), 0, Optional.empty())));
    List<String> columns = new ArrayList<>(t.columns());
    promptVariables.stream().filter(v -> !builtIn.contains(v) && !v.contains(".") && !columns.contains(v)).sorted().forEach(columns::add);
    InputSpec.Table withColumns = new InputSpec.Table(t.path(), t.format(), List.copyOf(columns), t.textColumn(), t.fileColumn(),
        t.idColumn(), t.bigquery(), t.textOnlyOnBadFile());
    return new InputSpec(input.files(), Optional.of(withColumns), input.sample(), input.seed(), input.limit(),
        input.allowEmpty(), input.requests());
  }

  private Optional<String> column(JsonNode node, String key, List<String> columns) {
    if (!node.has(key)) {
      return Optional.empty();
    }
    String name = node.get(key).asText();
    if (!columns.contains(name)) {
      problems.error("input.table." + key, "is '" + name + "', which is not a column; columns are: " + String.join(", ", columns));
      return Optional.empty();
    }
    return Optional.of(name);
  }

  static List<String> csvHeader(Path path) throws IOException {
    CsvMapper csv = new CsvMapper();
    csv.enable(CsvParser.Feature.WRAP_AS_ARRAY);
    try (Reader reader = Files.newBufferedReader(path);
        MappingIterator<List<String>> rows = csv.readerForListOf(String.class).readValues(reader)) {
      if (!rows.hasNext()) {
        throw new IOException("the file is empty; the first line must name the columns");
      }
      return rows.next().stream().map(String::trim).toList();
    }
  }

  static List<String> jsonlKeys(Path path) throws IOException {
    Set<String> keys = new TreeSet<>();
    try (BufferedReader reader = Files.newBufferedReader(path)) {
      String line;
      int seen = 0;
      while ((line = reader.readLine()) != null && seen < 100) {
        if (line.isBlank()) {
          continue;
        }
        seen++;
        JsonNode row;
        try {
          row = Json.MAPPER.readTree(line);
        } catch (IOException e) {
          continue; // A bad row is skipped with its line number when the run reads the table.
        }
        if (row.isObject()) {
          row.fieldNames().forEachRemaining(keys::add);
        }
      }
    }
    return List.copyOf(keys);
  }


}
