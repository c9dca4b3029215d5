package dev.vbatch.bigquery;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.FormatOptions;
import com.google.cloud.bigquery.Job;
import com.google.cloud.bigquery.JobId;
import com.google.cloud.bigquery.JobInfo;
import com.google.cloud.bigquery.LegacySQLTypeName;
import com.google.cloud.bigquery.LoadJobConfiguration;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.TableId;
import dev.vbatch.event.EventSink;
import dev.vbatch.storage.BlobStore;
import dev.vbatch.vertex.BatchJob;
import dev.vbatch.vertex.BatchJobs;
import dev.vbatch.vertex.CloudException;
import dev.vbatch.vertex.JobRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Requests staged as BigQuery tables instead of JSONL files. Shards are still written as keyed JSONL
 * to the staging prefix (so retries and online rounds read them as before); just before a shard's
 * job is created its file is loaded into the table {@code vbatch_requests_RUN_SHARD} (a {@code
 * request} JSON column and the {@code vbatch_key} column Vertex passes through), and the job reads
 * that table and writes its predictions to {@code vbatch_predictions_RUN_SHARD}. The load job's id is
 * made from the same names, so creating the job again after a crash finds the load done.
 */
public final class BigQueryStaging implements BatchJobs {
  static final Schema REQUEST_TABLE =
      Schema.of(Field.of("vbatch_key", LegacySQLTypeName.STRING), Field.of("request", LegacySQLTypeName.JSON));

  private final BatchJobs jobs;
  private final BigQuery bigquery;
  private final String project;
  private final String dataset;
  private final String location;
  private final EventSink events;

  /** {@code dataset} is PROJECT.DATASET. */
  public BigQueryStaging(BatchJobs jobs, BigQuery bigquery, String dataset, String location, EventSink events) {
    this.jobs = jobs;
    this.bigquery = bigquery;
    this.project = dataset.substring(0, dataset.indexOf('.'));
    this.dataset = dataset.substring(dataset.indexOf('.') + 1);
    this.location = location;
    this.events = events;
  }

  @Override
  public BatchJob create(JobRequest request) throws InterruptedException {
    TableId requests = table("vbatch_requests_", request.labels());
    TableId predictions = table("vbatch_predictions_", request.labels());
    load(request.inputUris(), requests);
    return jobs.create(new JobRequest(request.displayName(), request.model(), List.of(BigQueryTables.uri(requests)),
        BigQueryTables.uri(predictions), request.labels()));
  }

  /** A shard's table, named from the run and shard labels its job carries. */
  private TableId table(String prefix, Map<String, String> labels) {
    String name = labels.getOrDefault("vbatch-run", "run") + "_" + labels.getOrDefault("vbatch-shard", "0");
    return TableId.of(project, dataset, prefix + name.replaceAll("[^A-Za-z0-9_]", "_"));
  }

  private void load(List<String> shardUris, TableId table) throws InterruptedException {
    LoadJobConfiguration load = LoadJobConfiguration.newBuilder(table, shardUris, FormatOptions.json())
        .setSchema(REQUEST_TABLE)
        .setCreateDisposition(JobInfo.CreateDisposition.CREATE_IF_NEEDED)
        .setWriteDisposition(JobInfo.WriteDisposition.WRITE_TRUNCATE)
        .build();
    JobId id = JobId.newBuilder().setProject(project).setLocation(location).setJob("vbatch_load_" + table.getTable()).build();
    String shown = project + "." + dataset + "." + table.getTable();
    Job job;
    try {
      job = BigQueryResults.loadOnce(bigquery, load, id, () -> events.debug(shown + " was loaded before; waiting for that load"));
    } catch (BigQueryException e) {
      throw BigQueryResults.translate(e, shown, project, "stagingDataset");
    }
    if (job == null) {
      throw new CloudException("NOT_FOUND", "the BigQuery load job " + id.getJob() + " vanished; resume the run to load "
          + String.join(", ", shardUris) + " again", null);
    }
    if (job.getStatus().getError() != null) {
      throw new CloudException("FAILED_PRECONDITION", "BigQuery could not load the requests " + String.join(", ", shardUris)
          + " into " + shown + ": " + job.getStatus().getError().getMessage(), null);
    }
    events.debug("loaded " + String.join(", ", shardUris) + " into BigQuery table " + shown);
  }

  @Override
  public BatchJob get(String name) {
    return jobs.get(name);
  }

  @Override
  public List<BatchJob> findByLabels(Map<String, String> labels) {
    return jobs.findByLabels(labels);
  }

  @Override
  public List<BatchJob> list(String filter) {
    return jobs.list(filter);
  }

  @Override
  public void cancel(String name) {
    jobs.cancel(name);
  }

  /** Deletes the job, then its shard's request and predictions tables. */
  @Override
  public void delete(String name) throws InterruptedException {
    Map<String, String> labels = jobs.get(name).labels();
    jobs.delete(name);
    for (TableId table : List.of(table("vbatch_requests_", labels), table("vbatch_predictions_", labels))) {
      try {
        if (bigquery.delete(table)) {
          events.info("deleted BigQuery table " + BigQueryTables.uri(table).substring(5));
        }
      } catch (BigQueryException e) {
        throw BigQueryResults.translate(e, BigQueryTables.uri(table).substring(5), project, "stagingDataset");
      }
    }
  }

  @Override
  public void close() {
    jobs.close();
  }

  /**
   * {@code store}, except that a predictions table (a bq:// URI, as a job's output location names
   * it) is listed as itself and read as JSONL rows.
   */
  public static BlobStore readingTables(BlobStore store, BigQueryTables tables) {
    return new BlobStore() {
      @Override
      public String uri(String path) {
        return store.uri(path);
      }

      @Override
      public boolean exists(String path) throws IOException {
        return store.exists(path);
      }

      @Override
      public void upload(Path source, String path, String contentType) throws IOException {
        store.upload(source, path, contentType);
      }

      @Override
      public OutputStream create(String path, String contentType) throws IOException {
        return store.create(path, contentType);
      }

      @Override
      public InputStream open(String uri) throws IOException {
        return uri.startsWith("bq://") ? tables.open(uri) : store.open(uri);
      }

      @Override
      public List<String> list(String uriPrefix) throws IOException {
        return uriPrefix.startsWith("bq://") ? List.of(uriPrefix) : store.list(uriPrefix);
      }

      @Override
      public int uploadParallelism() {
        return store.uploadParallelism();
      }
    };
  }
}
