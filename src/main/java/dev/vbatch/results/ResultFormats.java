package dev.vbatch.results;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import dev.vbatch.util.AtomicFiles;
import dev.vbatch.util.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The results in the formats their consumers read, besides results.jsonl (which is always written:
 * it is the run's record): {@code json}, one array, as async inference tools write results.json;
 * {@code csv}, a spreadsheet's view (RFC 4180, UTF-8, a header, one column per top-level scalar
 * property of the schema and the rest as JSON); {@code files}, one NAME.json per item beside a
 * mirror of the input tree (NAME.error.json for an item that did not succeed). Each is made by
 * reading results.jsonl a line at a time, so they hold the same records and no list of them.
 */
public final class ResultFormats {
  /** The formats output.formats may name. */
  public static final List<String> KNOWN = List.of("jsonl", "json", "csv", "files");

  private static final List<String> CSV_HEAD = List.of("source", "status", "reason", "message", "attempts",
      "promptTokens", "candidatesTokens", "thoughtsTokens", "totalTokens");
  private static final Set<String> SCALARS = Set.of("string", "number", "integer", "boolean");

  private ResultFormats() {}

  /** Writes each of {@code formats} but jsonl from {@code outDir}/results.jsonl; {@code schema} names the CSV columns. */
  public static void write(Path outDir, List<String> formats, JsonNode schema) throws IOException {
    Path results = outDir.resolve("results.jsonl");
    if (formats.contains("json")) {
      AtomicFiles.write(outDir.resolve("results.json"), out -> json(results, out));
    }
    if (formats.contains("csv")) {
      List<String> columns = scalarProperties(schema);
      AtomicFiles.write(outDir.resolve("results.csv"), out -> csv(results, out, columns));
    }
    if (formats.contains("files")) {
      files(results, outDir.resolve("files"));
    }
  }

  private static void json(Path results, OutputStream out) throws IOException {
    try (JsonGenerator g = Json.MAPPER.createGenerator(out)) {
      g.writeRaw('[');
      boolean[] first = {true};
      each(results, record -> {
        g.writeRaw(first[0] ? "\n" : ",\n");
        first[0] = false;
        Json.MAPPER.writeTree(g, record);
      });
      g.writeRaw(first[0] ? "]\n" : "\n]\n");
    }
  }

  /** The top-level properties of the schema whose type is a scalar (or a scalar or null), in its order. */
  static List<String> scalarProperties(JsonNode schema) {
    List<String> names = new ArrayList<>();
    if (schema == null) {
      return names;
    }
    schema.path("properties").fields().forEachRemaining(e -> {
      JsonNode type = e.getValue().path("type");
      boolean scalar = type.isTextual() ? SCALARS.contains(type.asText())
          : type.isArray() && type.size() > 0 && java.util.stream.StreamSupport.stream(type.spliterator(), false)
              .allMatch(t -> SCALARS.contains(t.asText()) || t.asText().equals("null"));
      if (scalar || e.getValue().has("enum") && !e.getValue().has("type")) {
        names.add(e.getKey());
      }
    });
    return names;
  }

  private static void csv(Path results, OutputStream out, List<String> columns) throws IOException {
    CsvMapper mapper = new CsvMapper();
    try (CsvGenerator g = mapper.getFactory().createGenerator(out)) {
      g.setSchema(com.fasterxml.jackson.dataformat.csv.CsvSchema.emptySchema().withLineSeparator("\r\n"));
      List<String> header = new ArrayList<>(CSV_HEAD);
      columns.forEach(c -> header.add("data." + c));
      header.add("data");
      row(g, header);
      each(results, line -> {
        JsonNode usage = line.path("usage");
        JsonNode data = line.path("data");
        List<String> cells = new ArrayList<>(List.of(line.path("source").asText(), line.path("status").asText(),
            text(line.path("error").path("reason")), text(line.path("error").path("message")),
            line.path("attempts").asText(), text(usage.path("promptTokens")), text(usage.path("candidatesTokens")),
            text(usage.path("thoughtsTokens")), text(usage.path("totalTokens"))));
        ObjectNode rest = data.isObject() ? ((ObjectNode) data).deepCopy() : null;
        for (String c : columns) {
          cells.add(text(data.path(c)));
          if (rest != null) {
            rest.remove(c);
          }
        }
        cells.add(rest == null ? (data.isMissingNode() || data.isNull() ? "" : data.toString())
            : rest.isEmpty() ? "" : rest.toString());
        row(g, cells);
      });
    }
  }

  private static void row(CsvGenerator g, List<String> cells) throws IOException {
    g.writeStartArray();
    for (String c : cells) {
      g.writeString(c);
    }
    g.writeEndArray();
  }

  private static String text(JsonNode n) {
    return n.isMissingNode() || n.isNull() ? "" : n.isValueNode() ? n.asText() : n.toString();
  }

  /**
   * One file per item under {@code dir}, built beside it and swapped in whole, so a reader never sees
   * a mix of two runs' files and an item that left the input leaves no stale file behind.
   */
  private static void files(Path results, Path dir) throws IOException {
    Path building = dir.resolveSibling("." + dir.getFileName() + ".building");
    dev.vbatch.util.Trees.delete(building);
    Files.createDirectories(building);
    each(results, line -> {
      boolean ok = "succeeded".equals(line.path("status").asText());
      Path file = building.resolve(relative(line.path("source").asText()) + (ok ? ".json" : ".error.json"));
      Files.createDirectories(file.getParent());
      JsonNode body = ok ? line.path("data") : line;
      Files.write(file, (Json.PRETTY.writeValueAsString(body) + "\n").getBytes(StandardCharsets.UTF_8));
    });
    Path old = dir.resolveSibling("." + dir.getFileName() + ".old");
    dev.vbatch.util.Trees.delete(old);
    if (Files.exists(dir)) {
      Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(building, dir, StandardCopyOption.ATOMIC_MOVE);
    dev.vbatch.util.Trees.delete(old);
  }

  /** An item's source as a path inside the files folder: gs://b/x.pdf is b/x.pdf; nothing climbs out of it. */
  static String relative(String source) {
    String s = source.replaceFirst("^[a-z]+://", "").replace('\\', '/');
    List<String> parts = new ArrayList<>();
    for (String part : s.split("/")) {
      if (!part.isEmpty() && !part.equals(".") && !part.equals("..")) {
        parts.add(part.replaceAll("[\\x00-\\x1f:*?\"<>|]", "_"));
      }
    }
    return parts.isEmpty() ? "_" : String.join("/", parts);
  }

  /** Takes the records one at a time. */
  @FunctionalInterface
  private interface Visitor {
    void visit(ObjectNode record) throws IOException;
  }

  /** Hands over each record of results.jsonl in order, holding one at a time. */
  private static void each(Path results, Visitor visitor) throws IOException {
    try (BufferedReader reader = Files.newBufferedReader(results, StandardCharsets.UTF_8)) {
      for (String l; (l = reader.readLine()) != null; ) {
        if (!l.isBlank()) {
          visitor.visit((ObjectNode) Json.read(l));
        }
      }
    }
  }
}
