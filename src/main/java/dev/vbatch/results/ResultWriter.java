package dev.vbatch.results;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vbatch.util.AtomicFiles;
import dev.vbatch.util.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes {@code results.jsonl} (exactly one line per input item, in input order) and {@code
 * failures.jsonl} (the failed and skipped lines), each atomically.
 */
public final class ResultWriter {
  private ResultWriter() {}

  /** Counts of what was written: by status and by reason. */
  public record Counts(long items, long succeeded, long failed, long skipped, Map<String, Long> byReason) {}

  /**
   * One item to write: its source, its request key (null if skipped), what became of it, how many
   * times its request was sent in this run, and whether the answer came from an earlier run.
   */
  public record Line(String source, String key, Outcome outcome, int attempts, boolean reused, String note) {
    public Line(String source, String key, Outcome outcome) {
      this(source, key, outcome, key == null ? 0 : 1, false);
    }

    public Line(String source, String key, Outcome outcome, int attempts, boolean reused) {
      this(source, key, outcome, attempts, reused, null);
    }
  }

  /** Takes result lines one at a time, in input order. */
  @FunctionalInterface
  public interface Sink {
    void add(Line line) throws IOException;
  }

  /** Hands over every item's line, in input order. */
  @FunctionalInterface
  public interface Body {
    void writeTo(Sink sink) throws IOException;
  }

  /** Streams the lines {@code body} hands over into both files; neither holds more than one line in memory. */
  public static Counts write(Path outDir, Body body) throws IOException {
    long[] counts = new long[3];
    Map<String, Long> byReason = new TreeMap<>();
    Path results = outDir.resolve("results.jsonl");
    Path failures = outDir.resolve("failures.jsonl");
    AtomicFiles.write(failures, failuresOut ->
        AtomicFiles.write(results, resultsOut -> {
          try (JsonGenerator r = Json.MAPPER.createGenerator((OutputStream) resultsOut);
              JsonGenerator f = Json.MAPPER.createGenerator((OutputStream) failuresOut)) {
            r.setRootValueSeparator(null);
            f.setRootValueSeparator(null);
            body.writeTo(item -> {
              Outcome o = item.outcome();
              counts[o.status().ordinal()]++;
              if (o.reason() != null) {
                byReason.merge(o.reason(), 1L, Long::sum);
              }
              ObjectNode line = record(item, o);
              Json.MAPPER.writeTree(r, line);
              r.writeRaw('\n');
              if (o.status() != Outcome.Status.SUCCEEDED) {
                Json.MAPPER.writeTree(f, line);
                f.writeRaw('\n');
              }
            });
          }
        }));
    return new Counts(counts[0] + counts[1] + counts[2], counts[0], counts[1], counts[2], byReason);
  }

  static ObjectNode record(Line item, Outcome o) {
    ObjectNode line = Json.object();
    line.put("source", item.source());
    line.put("key", item.key());
    line.put("status", o.status().label());
    line.set("data", o.data());
    if (o.reason() == null) {
      line.putNull("error");
    } else {
      ObjectNode error = line.putObject("error").put("reason", o.reason()).put("message", o.message());
      if (o.answer() != null) {
        error.put("answer", o.answer());
      }
    }
    if (o.status() == Outcome.Status.SKIPPED) {
      line.putNull("usage");
    } else {
      ObjectNode usage = line.putObject("usage").put("promptTokens", o.usage().prompt())
          .put("candidatesTokens", o.usage().candidates()).put("thoughtsTokens", o.usage().thoughts())
          .put("totalTokens", o.usage().total());
      if (o.usage().cached() > 0 || o.usage().toolUse() > 0) {
        usage.put("cachedTokens", o.usage().cached()).put("toolUseTokens", o.usage().toolUse());
      }
    }
    line.put("attempts", item.attempts());
    if (item.reused()) {
      line.put("reused", true);
    }
    if (item.note() != null) {
      line.put("note", item.note());
    }
    return line;
  }
}
