package dev.vbatch.run;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vbatch.input.PlannedItem;
import dev.vbatch.util.AtomicFiles;
import dev.vbatch.util.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Every item of a run, in input order, with its request key and shard or its skip reason: written
 * once the requests are built ({@code items.jsonl} in the run directory), so any later process can
 * account for every item without planning again.
 */
public final class Ledger {
  /**
   * One item. {@code key} and {@code shard} are null for skipped items; {@code shard} is null and
   * {@code reused} true for an item answered by an earlier run. {@code version} is the version of
   * the Cloud Storage file the request references, if any (see {@link
   * dev.vbatch.results.AnswerStore#key}).
   */
  public record Entry(String source, String key, Integer shard, String skipReason, String skipMessage, boolean reused,
      @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
      String version,
      @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
      String note) {
    public Entry(String source, String key, Integer shard, String skipReason, String skipMessage, boolean reused) {
      this(source, key, shard, skipReason, skipMessage, reused, null, null);
    }

    public Entry(String source, String key, Integer shard, String skipReason, String skipMessage, boolean reused,
        String version) {
      this(source, key, shard, skipReason, skipMessage, reused, version, null);
    }

    public boolean isSkipped() {
      return skipReason != null;
    }
  }

  private Ledger() {}

  public static List<Entry> of(Plan plan, Requests requests) {
    List<Entry> entries = new ArrayList<>(plan.items().size());
    for (int i = 0; i < plan.items().size(); i++) {
      PlannedItem p = plan.items().get(i);
      String key = requests.keys().get(i);
      entries.add(new Entry(p.item().id(), key, key == null ? null : requests.shardOfKey().get(key),
          p.skip().map(s -> s.reason()).orElse(null), p.skip().map(s -> s.message()).orElse(null),
          key != null && requests.reused().containsKey(key), requests.versions().get(i), p.item().vars().get(PlanStep.NOTE)));
    }
    return entries;
  }

  public static void write(Path file, List<Entry> entries) throws IOException {
    AtomicFiles.write(file, out -> {
      try (JsonGenerator g = Json.MAPPER.createGenerator((OutputStream) out)) {
        g.setRootValueSeparator(null);
        for (Entry e : entries) {
          Json.MAPPER.writeValue(g, e);
          g.writeRaw('\n');
        }
      }
    });
  }

  /** Takes ledger entries one at a time. */
  @FunctionalInterface
  public interface Visitor {
    void visit(Entry entry) throws IOException;
  }

  /** Visits every entry in input order, holding one at a time. */
  public static void forEach(Path file, Visitor visitor) throws IOException {
    com.fasterxml.jackson.databind.ObjectReader reader = Json.MAPPER.readerFor(Entry.class);
    try (BufferedReader lines = Files.newBufferedReader(file)) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (!line.isBlank()) {
          visitor.visit(reader.readValue(line));
        }
      }
    }
  }
}
