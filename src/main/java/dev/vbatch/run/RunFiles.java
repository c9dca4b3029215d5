package dev.vbatch.run;

import dev.vbatch.util.AtomicFiles;
import dev.vbatch.util.KeyTable;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where a run keeps its files in HOME/runs/RUN, and the round-N.keys format (key TAB shard per line). */
record RunFiles(Path dir) {
  /** A step of the run that may fail with an I/O error or be interrupted. */
  interface Step<T> {
    T call() throws IOException, InterruptedException;
  }

  /**
   * What {@code plan} returns; when it found no item, nothing was started, so the run's folder goes
   * first, or the next run would resume it.
   */
  <T> T deletedIfNothingFound(Step<T> plan) throws IOException, InterruptedException {
    try {
      return plan.call();
    } catch (dev.vbatch.input.NoItems empty) {
      delete();
      throw empty;
    }
  }

  /** Removes the run's folder (a run that found nothing to do), and HOME/runs if it is left empty. */
  void delete() throws IOException {
    dev.vbatch.util.Trees.delete(dir);
    try {
      Files.deleteIfExists(dir.getParent());
    } catch (java.nio.file.DirectoryNotEmptyException others) {
      // other runs are kept
    }
  }

  Path state() {
    return dir.resolve("state.json");
  }

  Path items() {
    return dir.resolve("items.jsonl");
  }

  Path reused() {
    return dir.resolve("reused.jsonl");
  }

  /** The requests of a round and the shard each went into. */
  Path keys(int round) {
    return dir.resolve("round-" + round + ".keys");
  }

  /** The outcomes of a round, written once it is collected. */
  Path outcomes(int round) {
    return dir.resolve("round-" + round + ".jsonl");
  }

  /** The outcomes of an online round so far, appended as they arrive, so a crash loses at most the last few. */
  Path checkpoint(int round) {
    return dir.resolve("round-" + round + ".online.jsonl");
  }

  static void writeKeys(Path file, Map<String, Integer> shardOfKey) throws IOException {
    AtomicFiles.write(file, out -> {
      StringBuilder b = new StringBuilder();
      for (Map.Entry<String, Integer> e : shardOfKey.entrySet()) {
        b.append(e.getKey()).append('\t').append(e.getValue()).append('\n');
        if (b.length() > 1 << 16) {
          out.write(b.toString().getBytes(StandardCharsets.US_ASCII));
          b.setLength(0);
        }
      }
      out.write(b.toString().getBytes(StandardCharsets.US_ASCII));
    });
  }

  /** A round's keys, numbered in file order, and the shard of each. */
  record Keys(KeyTable table, int[] shards) {}

  static Keys readKeyTable(Path file) throws IOException {
    KeyTable table = new KeyTable();
    int[] shards = new int[1024];
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
      String line;
      while ((line = reader.readLine()) != null) {
        int tab = line.indexOf('\t');
        if (tab > 0) {
          int id = table.add(line.substring(0, tab));
          if (id >= shards.length) {
            shards = java.util.Arrays.copyOf(shards, shards.length * 2);
          }
          shards[id] = Integer.parseInt(line.substring(tab + 1));
        }
      }
    }
    return new Keys(table, shards);
  }

  static Map<String, Integer> readKeys(Path file) throws IOException {
    Map<String, Integer> keys = new LinkedHashMap<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
      String line;
      while ((line = reader.readLine()) != null) {
        int tab = line.indexOf('\t');
        if (tab > 0) {
          keys.put(line.substring(0, tab), Integer.parseInt(line.substring(tab + 1)));
        }
      }
    }
    return keys;
  }

}
