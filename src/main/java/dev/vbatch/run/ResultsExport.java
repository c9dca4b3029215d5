package dev.vbatch.run;

import dev.vbatch.event.EventSink;
import dev.vbatch.spec.JobSpec;
import dev.vbatch.storage.BlobStore;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Where a run's results go besides the files (a BigQuery table, for a spec with resultsTable):
 * checked before anything is submitted, appended once the results are written.
 */
public interface ResultsExport {
  /** Fails, before the run spends anything, when the destination cannot take the results. */
  void check(JobSpec spec) throws IOException;

  /**
   * Appends the run's results ({@code results}, the results.jsonl just written) once: doing it
   * again for the same run (a resume after a crash) does not add the rows twice.
   */
  void append(JobSpec spec, String runId, Path results, BlobStore store, EventSink events)
      throws IOException, InterruptedException;

  /** Both exports, checked and appended in order. */
  static ResultsExport both(ResultsExport first, ResultsExport second) {
    return new ResultsExport() {
      @Override
      public void check(JobSpec spec) throws IOException {
        first.check(spec);
        second.check(spec);
      }

      @Override
      public void append(JobSpec spec, String runId, Path results, BlobStore store, EventSink events)
          throws IOException, InterruptedException {
        first.append(spec, runId, results, store, events);
        second.append(spec, runId, results, store, events);
      }
    };
  }

  /** For backends with no BigQuery; a spec with resultsTable is refused before it gets here. */
  ResultsExport NONE = new ResultsExport() {
    @Override
    public void check(JobSpec spec) throws IOException {
      if (spec.resultsTable().isPresent() || spec.resultsUri().isPresent()) {
        throw new IOException("resultsTable and resultsUri need the vertex backend (Cloud Storage and BigQuery)");
      }
    }

    @Override
    public void append(JobSpec spec, String runId, Path results, BlobStore store, EventSink events) {}
  };
}
