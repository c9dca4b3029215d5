output "bucket" {
  description = "The staging bucket."
  value       = google_storage_bucket.staging.name
}

output "staging_uri" {
  description = "What to put in the job spec's 'staging'."
  value       = "gs://${google_storage_bucket.staging.name}/vbatch"
}

output "state_uri" {
  description = "Where the Cloud Run job keeps run state (VBATCH_STATE); pass it as --state to inspect runs from a workstation."
  value       = "gs://${google_storage_bucket.staging.name}/state"
}

output "dataset" {
  description = "The BigQuery dataset for results tables (resultsTable: DATASET.TABLE in the job spec)."
  value       = google_bigquery_dataset.results.dataset_id
}

output "service_account" {
  description = "The runner's service account email."
  value       = google_service_account.runner.email
}

output "job_name" {
  description = "The Cloud Run job; run it now with: gcloud run jobs execute NAME --region REGION."
  value       = google_cloud_run_v2_job.nightly.name
}

output "scheduler_job" {
  description = "The Cloud Scheduler job that starts the run."
  value       = google_cloud_scheduler_job.nightly.name
}
