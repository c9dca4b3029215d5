package dev.vbatch.run;

import dev.vbatch.event.Event;
import dev.vbatch.event.EventSink;
import dev.vbatch.results.Outcome;
import dev.vbatch.results.OutcomeFile;
import dev.vbatch.results.PredictionDecoder;
import dev.vbatch.results.Usage;
import dev.vbatch.storage.BlobStore;
import dev.vbatch.util.CrashPoints;
import dev.vbatch.util.KeyTable;
import dev.vbatch.util.ByteLines;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Streams every predictions file in each job's outputInfo.gcsOutputDirectory (or the rows of its
 * predictions table, read as JSONL) and maps each line to its request by key, never by position.
 * Keys that are unknown, unreadable or repeated are counted and reported, never guessed.
 */
public final class CollectStep {
  private static final int THREADS = Runtime.getRuntime().availableProcessors();
  private static final int BATCH = 512;
  private static final java.util.concurrent.ExecutorService DECODERS =
      java.util.concurrent.Executors.newFixedThreadPool(THREADS, r -> {
        Thread t = new Thread(r, "vbatch-decode");
        t.setDaemon(true);
        return t;
      });

  private static final byte NONE = 0;
  private static final byte FAILED = 1;
  private static final byte SUCCEEDED = 2;

  private CollectStep() {}

  /**
   * Reads the predictions under each of {@code outputDirectories} and hands each known key's outcome
   * to {@code out} as it is decoded, so nothing grows with the number of predictions but a status
   * byte per key. A key's later line is handed over only when it succeeded and the earlier one did
   * not, so for a key given twice the later outcome is the one to keep.
   */
  public static Collected run(Collection<String> outputDirectories, KeyTable knownKeys, BlobStore store,
      PredictionDecoder decoder, EventSink events, OutcomeFile.Sink out) throws IOException {
    events.emit(new dev.vbatch.event.Event.Stage("collect"));
    byte[] status = new byte[knownKeys.size()];
    long answered = 0;
    long succeeded = 0;
    long lines = 0;
    long unmatched = 0;
    long duplicates = 0;
    Usage usage = Usage.NONE;
    for (String directory : outputDirectories) {
      for (String uri : store.list(directory)) {
        if (!uri.endsWith(".jsonl") && !uri.startsWith("bq://")) {
          continue;
        }
        try (java.io.InputStream in = store.open(uri)) {
          ByteLines reader = new ByteLines(in);
          // Lines are decoded in batches on every core; results are taken in file order, so what is
          // kept and what is reported is the same as decoding one line after another.
          java.util.ArrayDeque<java.util.concurrent.Future<List<PredictionDecoder.Decoded>>> pending = new java.util.ArrayDeque<>();
          long lineNo = 0;
          boolean eof = false;
          while (!eof || !pending.isEmpty()) {
            while (!eof && pending.size() < 2 * THREADS) {
              List<byte[]> batch = new ArrayList<>(BATCH);
              while (batch.size() < BATCH && reader.next()) {
                batch.add(reader.isBlank() ? null : reader.copy());
              }
              eof = batch.size() < BATCH;
              if (!batch.isEmpty()) {
                pending.add(DECODERS.submit(() -> {
                  List<PredictionDecoder.Decoded> decodedBatch = new ArrayList<>(batch.size());
                  for (byte[] line : batch) {
                    decodedBatch.add(line == null ? null : decoder.decode(line));
                  }
                  return decodedBatch;
                }));
              }
            }
            if (pending.isEmpty()) {
              break;
            }
            List<PredictionDecoder.Decoded> decoded;
            try {
              decoded = pending.poll().get();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new java.io.InterruptedIOException("interrupted while reading " + uri);
            } catch (java.util.concurrent.ExecutionException e) {
              throw new IOException("decoding " + uri + " failed: " + e.getCause(), e.getCause());
            }
            for (PredictionDecoder.Decoded line : decoded) {
              PredictionDecoder.Decoded d = line;
              lineNo++;
              if (d == null) {
                continue;
              }
              lines++;
              if (d.key() == null) {
                unmatched++;
                events.warn(uri + " line " + lineNo + ": " + d.keyError() + "; the line is not matched to any item");
                continue;
              }
              int id = knownKeys.find(d.key());
              if (id < 0 && d.echoKey() != null) {
                // The echo hashes to a request this run sent: the line is that request's, whatever its vbatch_key says.
                id = knownKeys.find(d.echoKey());
                d = new PredictionDecoder.Decoded(d.echoKey(), d.outcome(), null);
              }
              if (id < 0) {
                unmatched++;
                events.warn(uri + " line " + lineNo + ": its request matches none this run sent (key " + d.key() + "); ignored");
                continue;
              }
              boolean ok = d.outcome().status() == Outcome.Status.SUCCEEDED;
              if (status[id] != NONE) {
                duplicates++;
                events.warn(uri + " line " + lineNo + ": a second prediction for key " + d.key() + "; keeping the "
                    + (status[id] == SUCCEEDED ? "first" : "better") + " one");
                if (status[id] == SUCCEEDED || !ok) {
                  continue;
                }
              } else {
                answered++;
                usage = usage.plus(d.outcome().usage());
              }
              status[id] = ok ? SUCCEEDED : FAILED;
              succeeded += ok ? 1 : 0;
              out.add(d.key(), d.outcome());
              if (lines % 1000 == 0) {
                events.emit(new Event.Progress("collect", answered, knownKeys.size(), "requests"));
              }
            }
          }
        }
        CrashPoints.hit("collect.file");
      }
    }
    events.emit(new Event.Progress("collect", answered, knownKeys.size(), "requests"));
    java.util.BitSet answeredIds = new java.util.BitSet(status.length);
    for (int id = 0; id < status.length; id++) {
      if (status[id] != NONE) {
        answeredIds.set(id);
      }
    }
    return new Collected(answeredIds, succeeded, lines, unmatched, duplicates, usage);
  }
}
