package dev.vbatch.storage;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import dev.vbatch.event.EventSink;
import dev.vbatch.run.ResultsExport;
import dev.vbatch.spec.JobSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Copies a run's results.jsonl, failures.jsonl and summary.json to {@code resultsUri/RUN_ID/} on
 * Cloud Storage once they are written, for pipelines that read results from a bucket. Copying
 * again (a resumed run) replaces the same objects.
 */
public final class GcsResults implements ResultsExport {
  static final List<String> FILES = List.of("results.jsonl", "failures.jsonl", "summary.json");

  private final Storage storage;

  public GcsResults(Storage storage) {
    this.storage = storage;
  }

  @Override
  public void check(JobSpec spec) {}

  @Override
  public void append(JobSpec spec, String runId, Path results, BlobStore store, EventSink events) throws IOException {
    if (spec.resultsUri().isEmpty()) {
      return;
    }
    String base = spec.resultsUri().get() + runId + "/";
    BlobId dir = GcsBlobStore.parse(base);
    for (String name : FILES) {
      Path file = results.resolveSibling(name);
      if (!Files.exists(file)) {
        continue;
      }
      String type = name.endsWith(".json") ? "application/json" : "application/jsonl";
      try {
        storage.createFrom(BlobInfo.newBuilder(BlobId.of(dir.getBucket(), dir.getName() + name)).setContentType(type).build(), file);
      } catch (StorageException e) {
        throw GcsBlobStore.translate(e, base + name);
      }
    }
    events.info("copied results.jsonl, failures.jsonl and summary.json to " + base);
  }
}
