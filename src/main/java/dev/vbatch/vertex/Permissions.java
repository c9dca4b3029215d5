package dev.vbatch.vertex;

import java.util.List;
import java.util.Map;

/**
 * The IAM permissions vbatch needs, by the client call that needs them, for the two principals its
 * errors name: the runner (the account vbatch runs as, through Application Default Credentials) and
 * the Vertex AI service agent (which reads what a batch job reads and writes its predictions).
 * PermissionsDriftTest finds every call the code makes on the Google clients, requires each to be
 * listed here, and requires the Terraform module (terraform/modules/vbatch-pipeline/iam.tf) to grant
 * roles that hold all of these permissions, so a new call without a role fails the build.
 */
public final class Permissions {
  private Permissions() {}

  /** "ClientType.method" → the permissions the runner needs for that call. */
  public static final Map<String, List<String>> RUNNER = Map.ofEntries(
      Map.entry("JobServiceClient.createBatchPredictionJob", List.of("aiplatform.batchPredictionJobs.create")),
      Map.entry("JobServiceClient.getBatchPredictionJob", List.of("aiplatform.batchPredictionJobs.get")),
      Map.entry("JobServiceClient.listBatchPredictionJobs", List.of("aiplatform.batchPredictionJobs.list")),
      Map.entry("JobServiceClient.cancelBatchPredictionJob", List.of("aiplatform.batchPredictionJobs.cancel")),
      Map.entry("JobServiceClient.deleteBatchPredictionJobAsync", List.of("aiplatform.batchPredictionJobs.delete")),
      Map.entry("PredictionServiceClient.generateContentCallable", List.of("aiplatform.endpoints.predict")),
      Map.entry("Storage.get", List.of("storage.objects.get")),
      Map.entry("Storage.delete", List.of("storage.objects.delete")),
      Map.entry("Storage.list", List.of("storage.objects.list")),
      Map.entry("Storage.reader", List.of("storage.objects.get")),
      Map.entry("Storage.readAllBytes", List.of("storage.objects.get")),
      // Writing an object that exists (a state file, a rewritten shard) replaces it: create and delete.
      Map.entry("Storage.writer", List.of("storage.objects.create", "storage.objects.delete")),
      Map.entry("Storage.createFrom", List.of("storage.objects.create", "storage.objects.delete")),
      Map.entry("BigQuery.getDataset", List.of("bigquery.datasets.get")),
      // A load job that creates the table if needed, appends, and may add columns.
      Map.entry("BigQuery.create", List.of("bigquery.jobs.create", "bigquery.tables.create", "bigquery.tables.get",
          "bigquery.tables.update", "bigquery.tables.updateData")),
      // Reading back one's own job needs no permission beyond having created it.
      Map.entry("BigQuery.getJob", List.of()),
      // Input tables and predictions tables: their schema, then their rows.
      Map.entry("BigQuery.getTable", List.of("bigquery.tables.get")),
      Map.entry("BigQuery.listTableData", List.of("bigquery.tables.getData")),
      // Appending rows to a table (the emulator writing predictions tables through the same client).
      Map.entry("BigQuery.insertAll", List.of("bigquery.tables.updateData")),
      // 'vbatch delete' removes a shard's request and predictions tables with its job.
      Map.entry("BigQuery.delete", List.of("bigquery.tables.delete")));

  /**
   * What the Vertex AI service agent needs on the staging bucket and on inputs already in the cloud,
   * and, with requests staged in BigQuery, on the staging dataset: read the request tables, create
   * and fill the predictions tables.
   */
  public static final List<String> VERTEX_AGENT = List.of("storage.objects.get", "storage.objects.list", "storage.objects.create",
      "bigquery.tables.get", "bigquery.tables.getData", "bigquery.tables.create", "bigquery.tables.updateData");

  /** The client methods that make no API call (closing, options). */
  public static final List<String> LOCAL_CALLS = List.of("close", "shutdown", "getOptions", "awaitTermination");
}
