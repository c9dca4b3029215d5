package dev.vbatch.bigquery;

import com.fasterxml.jackson.core.JsonGenerator;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.Dataset;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.FormatOptions;
import com.google.cloud.bigquery.Job;
import com.google.cloud.bigquery.JobId;
import com.google.cloud.bigquery.JobInfo;
import com.google.cloud.bigquery.LoadJobConfiguration;
import com.google.cloud.bigquery.TableId;
import dev.vbatch.event.EventSink;
import dev.vbatch.run.ResultsExport;
import dev.vbatch.spec.JobSpec;
import dev.vbatch.storage.BlobStore;
import dev.vbatch.util.Json;
import dev.vbatch.vertex.CloudException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Appends a run's results to a BigQuery table: one row per item with the run id, the item's source,
 * status and error, a column per scalar property of the result schema, and the whole result as a
 * JSON column. The rows are staged as JSONL next to the run's requests and loaded by one load job
 * whose id is made from the run id, so the rows of a run appear at once, and a resumed run that
 * loads again finds its job already done instead of adding the rows twice.
 */
public final class BigQueryResults implements ResultsExport {
  private final BigQuery bigquery;

  public BigQueryResults(BigQuery bigquery) {
    this.bigquery = bigquery;
  }

  /**
   * The datasets results go to and requests are staged in must exist, in the job's own region: Vertex
   * and BigQuery refuse a batch job whose dataset is elsewhere, and a multi-region dataset (US, EU)
   * cannot hold a regional job's data.
   */
  @Override
  public void check(JobSpec spec) {
    if (spec.resultsTable().isPresent()) {
      TableId table = tableId(spec);
      checkDataset(spec, table.getProject(), table.getDataset(), "resultsTable");
    }
    if (spec.stagingDataset().isPresent()) {
      String[] parts = spec.stagingDataset().get().split("\\.", 2);
      checkDataset(spec, parts[0], parts[1], "stagingDataset");
    }
  }

  private void checkDataset(JobSpec spec, String project, String datasetId, String property) {
    DatasetId dataset = DatasetId.of(project, datasetId);
    String shown = project + "." + datasetId;
    Dataset found;
    try {
      found = bigquery.getDataset(dataset);
    } catch (BigQueryException e) {
      throw translate(e, shown, project, property);
    }
    if (found == null) {
      throw new CloudException("NOT_FOUND", "BigQuery dataset " + shown + " does not exist: create it in " + spec.location()
          + " (bq mk --location=" + spec.location() + " " + project + ":" + datasetId
          + "), or fix " + property + " in " + spec.file(), null);
    }
    String location = found.getLocation() == null ? "" : found.getLocation();
    if (!location.contains("-")) {
      throw new CloudException("FAILED_PRECONDITION", "BigQuery dataset " + shown + " is in the multi-region " + location
          + "; a job in " + spec.location() + " needs a dataset in that region: create one there and point " + property
          + " at it", null);
    }
    if (!location.equalsIgnoreCase(spec.location())) {
      throw new CloudException("FAILED_PRECONDITION", "BigQuery dataset " + shown + " is in " + location.toLowerCase(Locale.ROOT)
          + " and the job runs in " + spec.location() + "; use a dataset in " + spec.location()
          + " for " + property + ", or set location: " + location.toLowerCase(Locale.ROOT) + " in " + spec.file(), null);
    }
  }

  @Override
  public void append(JobSpec spec, String runId, Path results, BlobStore store, EventSink events)
      throws IOException, InterruptedException {
    if (spec.resultsTable().isEmpty()) {
      return;
    }
    TableId table = tableId(spec);
    ResultColumns columns = new ResultColumns(spec.resultSchema() == null ? dev.vbatch.util.Json.object() : spec.resultSchema().node());
    String path = "runs/" + runId + "/bigquery/results.jsonl";
    long rows = 0;
    try (BufferedReader in = Files.newBufferedReader(results);
        OutputStream out = store.create(path, "application/jsonl");
        JsonGenerator g = Json.MAPPER.createGenerator(out)) {
      g.setRootValueSeparator(null);
      String line;
      while ((line = in.readLine()) != null) {
        if (!line.isBlank()) {
          Json.MAPPER.writeTree(g, columns.row(runId, Json.MAPPER.readTree(line)));
          g.writeRaw('\n');
          rows++;
        }
      }
    }
    LoadJobConfiguration load = LoadJobConfiguration.newBuilder(table, store.uri(path), FormatOptions.json())
        .setSchema(columns.schema())
        .setCreateDisposition(JobInfo.CreateDisposition.CREATE_IF_NEEDED)
        .setWriteDisposition(JobInfo.WriteDisposition.WRITE_APPEND)
        .setSchemaUpdateOptions(List.of(JobInfo.SchemaUpdateOption.ALLOW_FIELD_ADDITION))
        .build();
    JobId id = JobId.newBuilder().setProject(table.getProject()).setLocation(spec.location())
        .setJob("vbatch_results_" + runId.replaceAll("[^A-Za-z0-9_-]", "_")).build();
    String shown = table.getProject() + "." + table.getDataset() + "." + table.getTable();
    Job job;
    try {
      job = loadOnce(bigquery, load, id,
          () -> events.info("results of run " + runId + " were loaded into " + shown + " before; not loading them again"));
    } catch (BigQueryException e) {
      throw translate(e, shown, table.getProject(), "resultsTable");
    }
    if (job == null) {
      throw new CloudException("NOT_FOUND", "the BigQuery load job " + id.getJob() + " vanished; run 'vbatch fetch " + runId
          + "' to load the results again", null);
    }
    if (job.getStatus().getError() != null) {
      throw new CloudException("FAILED_PRECONDITION", "BigQuery could not load the results into " + shown + ": "
          + job.getStatus().getError().getMessage() + " (the files in the output directory are complete; fix the table and run "
          + "'vbatch fetch " + runId + "' to load them again)", null);
    }
    events.info("appended " + rows + " result row(s) of run " + runId + " to BigQuery table " + shown);
  }

  /**
   * Runs a load job under a fixed id, once: when the id is taken (a run resumed after the job was
   * created), the existing job is waited for instead. Null when that job is gone.
   */
  static Job loadOnce(BigQuery bigquery, LoadJobConfiguration load, JobId id, Runnable loadedBefore) throws InterruptedException {
    Job job;
    try {
      job = bigquery.create(JobInfo.newBuilder(load).setJobId(id).build());
    } catch (BigQueryException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      loadedBefore.run();
      job = bigquery.getJob(id);
    }
    return job == null ? null : job.waitFor();
  }

  static TableId tableId(JobSpec spec) {
    return BigQueryTables.tableId(spec.resultsTable().orElseThrow());
  }

  /** A BigQuery failure as one line saying which principal needs which role. */
  static CloudException translate(BigQueryException e, String what, String project, String property) {
    String detail = e.getMessage() == null ? "" : e.getMessage().replaceAll("\\s+", " ");
    return switch (e.getCode()) {
      case 401 -> new CloudException("UNAUTHENTICATED", "BigQuery: no usable credentials: run 'gcloud auth application-default "
          + "login', or set GOOGLE_APPLICATION_CREDENTIALS to a service account key file", e);
      case 403 -> new CloudException("PERMISSION_DENIED", "BigQuery denied access to " + what + ": the account running vbatch "
          + "needs roles/bigquery.dataEditor on the dataset and roles/bigquery.jobUser on project " + project
          + " [" + detail + "]", e);
      case 404 -> new CloudException("NOT_FOUND", what + " does not exist in BigQuery: create the dataset in the job's region, "
          + "or fix " + property + " [" + detail + "]", e);
      default -> new CloudException("BIGQUERY_" + e.getCode(), "BigQuery failed on " + what + " [HTTP " + e.getCode() + ": "
          + detail + "]", e);
    };
  }
}
