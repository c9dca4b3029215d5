# Least privilege. The runner (the account vbatch runs as) and the Vertex AI service agent (which
# reads the staged files and writes predictions) are the two principals vbatch's errors name.
# src/test/java/dev/vbatch/vertex/PermissionsDriftTest.java checks these grants against the
# permissions the code declares in dev.vbatch.vertex.Permissions: a new API call without a role
# here fails the build.

locals {
  runner       = "serviceAccount:${google_service_account.runner.email}"
  vertex_agent = "serviceAccount:${google_project_service_identity.vertex_agent.email}"
}

# Creates, polls, lists, cancels and deletes batch prediction jobs; online generateContent calls.
resource "google_project_iam_member" "runner_vertex" {
  project = var.project_id
  role    = "roles/aiplatform.user"
  member  = local.runner
}

# Stages requests and files, reads predictions, keeps run state: on the staging bucket only.
# objectUser, not objectAdmin: the runner creates, reads, lists and deletes objects but never sets
# their IAM policies or overrides their retention.
resource "google_storage_bucket_iam_member" "runner_staging" {
  bucket = google_storage_bucket.staging.name
  role   = "roles/storage.objectUser"
  member = local.runner
}

# Lists and reads inputs already in the cloud.
resource "google_storage_bucket_iam_member" "runner_inputs" {
  for_each = toset(var.input_buckets)
  bucket   = each.value
  role     = "roles/storage.objectViewer"
  member   = local.runner
}

# Checks the dataset's region, appends results tables, stages request tables (stagingDataset) and
# reads predictions tables.
resource "google_bigquery_dataset_iam_member" "runner_results" {
  project    = var.project_id
  dataset_id = google_bigquery_dataset.results.dataset_id
  role       = "roles/bigquery.dataEditor"
  member     = local.runner
}

# Reads input tables (input.table.bigquery in job specs).
resource "google_bigquery_dataset_iam_member" "runner_input_datasets" {
  for_each   = toset(var.input_datasets)
  project    = var.project_id
  dataset_id = each.value
  role       = "roles/bigquery.dataViewer"
  member     = local.runner
}

# Runs the load jobs that append results and stage request tables.
resource "google_project_iam_member" "runner_jobs" {
  project = var.project_id
  role    = "roles/bigquery.jobUser"
  member  = local.runner
}

# The Vertex AI service agent reads the staged requests and files...
resource "google_storage_bucket_iam_member" "vertex_agent_read" {
  bucket = google_storage_bucket.staging.name
  role   = "roles/storage.objectViewer"
  member = local.vertex_agent
}

# ...writes the predictions next to them...
resource "google_storage_bucket_iam_member" "vertex_agent_write" {
  bucket = google_storage_bucket.staging.name
  role   = "roles/storage.objectCreator"
  member = local.vertex_agent
}

# ...and reads inputs already in the cloud, which requests reference where they are.
resource "google_storage_bucket_iam_member" "vertex_agent_inputs" {
  for_each = toset(var.input_buckets)
  bucket   = each.value
  role     = "roles/storage.objectViewer"
  member   = local.vertex_agent
}

# With requests staged in BigQuery (stagingDataset), the agent reads the request tables and writes
# the predictions tables in the dataset.
resource "google_bigquery_dataset_iam_member" "vertex_agent_dataset" {
  project    = var.project_id
  dataset_id = google_bigquery_dataset.results.dataset_id
  role       = "roles/bigquery.dataEditor"
  member     = local.vertex_agent
}

# The scheduler's account may start the job and nothing else.
resource "google_cloud_run_v2_job_iam_member" "trigger" {
  project  = var.project_id
  location = var.region
  name     = google_cloud_run_v2_job.nightly.name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.scheduler.email}"
}

# With CMEK, the Cloud Storage and BigQuery service agents must use the key; without a key, their
# accounts are not looked up at all.
data "google_storage_project_service_account" "gcs" {
  count   = var.kms_key_name == null ? 0 : 1
  project = var.project_id
}

data "google_bigquery_default_service_account" "bq" {
  count   = var.kms_key_name == null ? 0 : 1
  project = var.project_id
}

resource "google_kms_crypto_key_iam_member" "storage_agent" {
  count         = var.kms_key_name == null ? 0 : 1
  crypto_key_id = var.kms_key_name
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = "serviceAccount:${data.google_storage_project_service_account.gcs[0].email_address}"
}

resource "google_kms_crypto_key_iam_member" "bigquery_agent" {
  count         = var.kms_key_name == null ? 0 : 1
  crypto_key_id = var.kms_key_name
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = "serviceAccount:${data.google_bigquery_default_service_account.bq[0].email}"
}
