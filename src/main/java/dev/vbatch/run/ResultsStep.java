package dev.vbatch.run;

import dev.vbatch.results.AnswerStore;
import dev.vbatch.results.Outcome;
import dev.vbatch.results.OutcomeFile;
import dev.vbatch.results.ResultWriter;
import dev.vbatch.results.Usage;
import dev.vbatch.util.KeyTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Set;

/**
 * Joins every item of the ledger with the best outcome of its request, in input order, into
 * results.jsonl and failures.jsonl, and records the run's new answers. The outcome files are
 * scanned for where each key's best line is, and each line is read back when its item is written,
 * so memory holds a few dozen bytes per distinct request, never the outcomes themselves.
 */
public final class ResultsStep {
  private static final byte NONE = -1;

  /** What was written, with the counts the summary needs. */
  public record Done(ResultWriter.Counts counts, long sendable, long distinct, long retried, long lostToJobs) {}

  private final KeyTable keys = new KeyTable();
  /** Per key id: the file of its best outcome (0 = reused, N = round N) and where in it. */
  private byte[] file;
  private long[] offset;
  private int[] length;
  private boolean[] succeeded;
  private byte[] attempts;
  private byte[] lastRound;

  private ResultsStep() {}

  /**
   * Writes the results of the run whose files are in {@code files}, from the outcomes of {@code
   * rounds} (those collected), into {@code outDir}, and the run's new successful answers into {@code
   * answers}.
   */
  public static Done run(Path runDir, List<Integer> rounds, Path outDir, Set<String> jobReasons, AnswerStore answers,
      String runId, String model) throws IOException {
    return new ResultsStep().write(new RunFiles(runDir), rounds, outDir, jobReasons, answers, runId, model);
  }

  private Done write(RunFiles files, List<Integer> rounds, Path outDir, Set<String> jobReasons, AnswerStore answers,
      String runId, String model) throws IOException {
    long[] sendable = new long[1];
    Ledger.forEach(files.items(), e -> {
      if (!e.isSkipped()) {
        sendable[0]++;
        keys.add(e.key());
      }
    });
    int n = keys.size();
    file = new byte[n];
    Arrays.fill(file, NONE);
    offset = new long[n];
    length = new int[n];
    succeeded = new boolean[n];
    attempts = new byte[n];
    lastRound = new byte[n];
    List<Path> sources = new ArrayList<>();
    sources.add(files.reused());
    if (java.nio.file.Files.exists(files.reused())) {
      OutcomeFile.scan(files.reused(), e -> keep(0, e));
    }
    for (int round : rounds) {
      while (sources.size() <= round) {
        sources.add(null);
      }
      sources.set(round, files.outcomes(round));
      OutcomeFile.scan(files.outcomes(round), e -> {
        int id = keep(round, e);
        if (id >= 0 && lastRound[id] != round) {
          lastRound[id] = (byte) round;
          attempts[id] = (byte) Math.min(Byte.MAX_VALUE, attempts[id] + 1);
        }
      });
    }
    long retried = 0;
    for (int id = 0; id < n; id++) {
      retried += attempts[id] > 1 ? 1 : 0;
    }
    OutcomeFile.Lines[] readers = new OutcomeFile.Lines[sources.size()];
    BitSet recorded = new BitSet(n);
    long[] lost = new long[1];
    ResultWriter.Counts[] counts = new ResultWriter.Counts[1];
    try {
      for (int i = 0; i < sources.size(); i++) {
        if (sources.get(i) != null && java.nio.file.Files.exists(sources.get(i))) {
          readers[i] = new OutcomeFile.Lines(sources.get(i));
        }
      }
      answers.record(runId, model, fresh -> counts[0] = ResultWriter.write(outDir, sink -> Ledger.forEach(files.items(), e -> {
        Outcome o;
        int id = e.isSkipped() ? -1 : keys.find(e.key());
        if (e.isSkipped()) {
          o = Outcome.skipped(e.skipReason(), e.skipMessage());
        } else if (file[id] == NONE || (e.reused() != (file[id] == 0))) {
          o = e.reused()
              ? Outcome.failed("missing", "the earlier answer for this request was not found; run again with --refresh", Usage.NONE)
              : Outcome.failed("missing", "no outcome was recorded for this request; run the job again", Usage.NONE);
        } else {
          o = readers[file[id]].read(offset[id], length[id]);
          if (!e.reused() && succeeded[id] && !recorded.get(id)) {
            recorded.set(id);
            fresh.add(AnswerStore.key(e.key(), e.version()), o);
          }
        }
        if (o.reason() != null && jobReasons.contains(o.reason())) {
          lost[0]++;
        }
        sink.add(new ResultWriter.Line(e.source(), e.key(), o, id < 0 ? 0 : attempts[id], e.reused(), e.note()));
      })));
    } finally {
      for (OutcomeFile.Lines r : readers) {
        if (r != null) {
          r.close();
        }
      }
    }
    return new Done(counts[0], sendable[0], n, retried, lost[0]);
  }

  /** Keeps the line as its key's best unless a success is already kept; returns the key's id, or -1 for a stranger. */
  private int keep(int source, OutcomeFile.Entry e) {
    int id = keys.find(e.key());
    if (id < 0) {
      return -1;
    }
    if (file[id] == NONE || !succeeded[id]) {
      file[id] = (byte) source;
      offset[id] = e.offset();
      length[id] = e.length();
      succeeded[id] = e.status() == Outcome.Status.SUCCEEDED;
    }
    return id;
  }
}
