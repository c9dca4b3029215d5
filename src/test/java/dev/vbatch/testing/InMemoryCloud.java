package dev.vbatch.testing;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.Storage;
import dev.vbatch.bigquery.BigQueryTables;
import dev.vbatch.emulator.EmulatorConfig;
import dev.vbatch.emulator.EmulatorServer;
import dev.vbatch.event.EventSink;
import dev.vbatch.storage.GcsBlobStore;
import dev.vbatch.storage.UriStore;
import dev.vbatch.vertex.VertexBatchJobs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.StreamSupport;

/**
 * The emulator reading and writing gs:// objects in an in-memory Storage (and, when given a client
 * for the BigQuery stand-in, bq:// tables), with a job client connected to it: what the Cloud
 * Storage and BigQuery tests run against.
 */
public final class InMemoryCloud implements AutoCloseable {
  public final Storage storage;
  public final EmulatorServer emulator;
  public final VertexBatchJobs jobs;

  public InMemoryCloud(Storage storage, Path emulatorData, FakeTime time, EventSink events) throws IOException {
    this(storage, null, emulatorData, time, events);
  }

  /** As above; with {@code bigquery}, the emulator also reads and writes bq:// tables through it. */
  public InMemoryCloud(Storage storage, BigQuery bigquery, Path emulatorData, FakeTime time, EventSink events) throws IOException {
    this.storage = storage;
    UriStore uris = GcsBlobStore.uris(storage);
    this.emulator = EmulatorServer.start(0, emulatorData, EmulatorConfig.defaults(), time,
        bigquery == null ? uris : uris.withTables(new BigQueryTables(bigquery)));
    this.jobs = VertexBatchJobs.connect(emulator.endpoint(), true, "p", "us-central1", "test", time, events);
  }

  /** The names of the objects in {@code bucket} under {@code prefix}, sorted. */
  public List<String> objects(String bucket, String prefix) {
    return StreamSupport.stream(storage.list(bucket, Storage.BlobListOption.prefix(prefix)).iterateAll().spliterator(), false)
        .map(Blob::getName).sorted().toList();
  }

  @Override
  public void close() {
    jobs.close();
    emulator.close();
  }
}
