package dev.vbatch.results;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vbatch.util.AtomicFiles;
import dev.vbatch.util.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Outcomes by request key as JSONL: one line {key, status, data, reason, message, usage} each,
 * written atomically. A run keeps one file per round; the result store keeps one per run.
 */
public final class OutcomeFile {
  private OutcomeFile() {}

  public static void write(Path file, Map<String, Outcome> outcomes, Map<String, String> extra) throws IOException {
    write(file, extra, sink -> {
      for (Map.Entry<String, Outcome> e : outcomes.entrySet()) {
        sink.add(e.getKey(), e.getValue());
      }
    });
  }

  /** Takes outcomes one at a time. */
  @FunctionalInterface
  public interface Sink {
    void add(String key, Outcome outcome) throws IOException;
  }

  /** Writes the outcomes it is given, one a line. */
  @FunctionalInterface
  public interface Body {
    void writeTo(Sink sink) throws IOException;
  }

  /**
   * Streams outcomes into {@code file} as {@code body} hands them over, with {@code extra} fields on
   * every line; the file appears whole, or not at all, when the body returns.
   */
  public static void write(Path file, Map<String, String> extra, Body body) throws IOException {
    AtomicFiles.write(file, out -> {
      try (JsonGenerator g = Json.MAPPER.createGenerator((OutputStream) out)) {
        g.setRootValueSeparator(null);
        body.writeTo((key, outcome) -> {
          write(g, key, outcome, extra);
          g.writeRaw('\n');
        });
      }
    });
  }

  /** Where a line is in an outcome file, and what it says without its data. */
  public record Entry(String key, Outcome.Status status, String reason, long offset, int length) {}

  /**
   * Visits every line of {@code file} with its key, status, reason and position, reading no more of
   * it than that: a large file is scanned without holding its data.
   */
  public static void scan(Path file, java.util.function.Consumer<Entry> visitor) throws IOException {
    try (java.io.InputStream in = Files.newInputStream(file)) {
      dev.vbatch.util.ByteLines lines = new dev.vbatch.util.ByteLines(in);
      while (lines.next()) {
        if (!lines.isBlank()) {
          visitor.accept(header(file, lines.buffer(), lines.start(), lines.length(), lines.offset()));
        }
      }
    }
  }

  private static Entry header(Path file, byte[] buf, int from, int length, long offset) throws IOException {
    String key = null;
    String status = null;
    String reason = null;
    try (com.fasterxml.jackson.core.JsonParser p = Json.MAPPER.getFactory().createParser(buf, from, length)) {
      if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
        throw new IOException(file + ": a line at byte " + offset + " is not a JSON object");
      }
      while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        switch (name) {
          case "key" -> key = p.getValueAsString();
          case "status" -> status = p.getValueAsString();
          case "reason" -> reason = p.getValueAsString();
          default -> p.skipChildren();
        }
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException(file + ": the line at byte " + offset + " is damaged: " + e.getOriginalMessage(), e);
    }
    if (key == null || status == null) {
      throw new IOException(file + ": the line at byte " + offset + " has no key or status");
    }
    return new Entry(key, Outcome.Status.valueOf(status), reason, offset, length);
  }

  /** Reads single lines that {@link #scan} found, by position. */
  public static final class Lines implements AutoCloseable {
    private final java.nio.channels.FileChannel channel;

    public Lines(Path file) throws IOException {
      channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ);
    }

    public Outcome read(long offset, int length) throws IOException {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(length);
      while (b.hasRemaining()) {
        if (channel.read(b, offset + b.position()) < 0) {
          throw new java.io.EOFException("the outcome file ends before byte " + (offset + length));
        }
      }
      return fromJson(Json.MAPPER.readTree(b.array()));
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  /** Reads the lines that {@code accept} takes; for a key seen twice, the later line wins. */
  public static Map<String, Outcome> read(Path file, Predicate<JsonNode> accept) throws IOException {
    Map<String, Outcome> out = new LinkedHashMap<>();
    try (BufferedReader reader = Files.newBufferedReader(file)) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode n = Json.MAPPER.readTree(line);
        if (accept.test(n)) {
          out.put(n.path("key").asText(), fromJson(n));
        }
      }
    }
    return out;
  }

  /**
   * Reads a file that {@link Appender} was writing when the process died: a last line cut short is
   * left out (its outcome was not recorded, so its request is sent again).
   */
  public static Map<String, Outcome> readAppended(Path file) throws IOException {
    Map<String, Outcome> out = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return out;
    }
    try (BufferedReader reader = Files.newBufferedReader(file)) {
      String line = reader.readLine();
      while (line != null) {
        String next = reader.readLine();
        if (!line.isBlank()) {
          JsonNode n;
          try {
            n = Json.MAPPER.readTree(line);
          } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            if (next == null) {
              break;
            }
            throw new IOException(file + ": line " + (out.size() + 1) + " is damaged: " + e.getOriginalMessage(), e);
          }
          out.put(n.path("key").asText(), fromJson(n));
        }
        line = next;
      }
    }
    return out;
  }

  /**
   * Appends outcomes to a file in batches: {@link #add} buffers a line, {@link #flush} writes the
   * buffer in one write and returns once the operating system has it (a kill -9 loses nothing
   * flushed); {@link #close} also forces it to disk. A line cut short by an earlier crash is cut off
   * first, so the file stays one JSON object a line.
   */
  public static final class Appender implements AutoCloseable {
    private final java.nio.channels.FileChannel channel;
    private final java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
    private int buffered;

    public Appender(Path file) throws IOException {
      channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.READ);
      long size = channel.size();
      long keep = size;
      java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
      while (keep > 0) {
        one.clear();
        channel.read(one, keep - 1);
        if (one.get(0) == '\n') {
          break;
        }
        keep--;
      }
      channel.truncate(keep);
      channel.position(keep);
    }

    public void add(String key, Outcome outcome) throws IOException {
      Json.MAPPER.writeValue(buffer, toJson(key, outcome));
      buffer.write('\n');
      buffered++;
    }

    /** Lines added since the last flush. */
    public int buffered() {
      return buffered;
    }

    public void flush() throws IOException {
      java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(buffer.toByteArray());
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      buffer.reset();
      buffered = 0;
    }

    @Override
    public void close() throws IOException {
      try {
        flush();
        channel.force(false);
      } finally {
        channel.close();
      }
    }
  }

  /** Writes the same object as {@link #toJson}, straight to the generator (the merge's hot path). */
  private static void write(JsonGenerator g, String key, Outcome o, Map<String, String> extra) throws IOException {
    g.writeStartObject();
    g.writeStringField("key", key);
    g.writeStringField("status", o.status().name());
    g.writeFieldName("data");
    if (o.data() == null) {
      g.writeNull();
    } else {
      Json.MAPPER.writeTree(g, o.data());
    }
    g.writeStringField("reason", o.reason());
    g.writeStringField("message", o.message());
    Usage u = o.usage();
    g.writeObjectFieldStart("usage");
    g.writeNumberField("prompt", u.prompt());
    g.writeNumberField("candidates", u.candidates());
    g.writeNumberField("thoughts", u.thoughts());
    g.writeNumberField("total", u.total());
    if (u.cached() > 0 || u.toolUse() > 0) {
      g.writeNumberField("cached", u.cached());
      g.writeNumberField("toolUse", u.toolUse());
    }
    g.writeEndObject();
    if (o.answer() != null) {
      g.writeStringField("answer", o.answer());
    }
    for (Map.Entry<String, String> e : extra.entrySet()) {
      g.writeStringField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
  }

  public static ObjectNode toJson(String key, Outcome o) {
    ObjectNode n = Json.object();
    n.put("key", key);
    n.put("status", o.status().name());
    n.set("data", o.data());
    n.put("reason", o.reason());
    n.put("message", o.message());
    Usage u = o.usage();
    ObjectNode usage = n.putObject("usage").put("prompt", u.prompt()).put("candidates", u.candidates())
        .put("thoughts", u.thoughts()).put("total", u.total());
    if (u.cached() > 0 || u.toolUse() > 0) {
      usage.put("cached", u.cached()).put("toolUse", u.toolUse());
    }
    if (o.answer() != null) {
      n.put("answer", o.answer());
    }
    return n;
  }

  public static Outcome fromJson(JsonNode n) {
    JsonNode u = n.path("usage");
    Usage usage = new Usage(u.path("prompt").asLong(), u.path("candidates").asLong(), u.path("thoughts").asLong(),
        u.path("total").asLong(), u.path("cached").asLong(), u.path("toolUse").asLong());
    JsonNode data = n.path("data");
    return new Outcome(Outcome.Status.valueOf(n.path("status").asText()), data.isMissingNode() || data.isNull() ? null : data,
        n.path("reason").isNull() ? null : n.path("reason").asText(null),
        n.path("message").isNull() ? null : n.path("message").asText(null), usage,
        n.path("answer").isTextual() ? n.path("answer").asText() : null);
  }
}
