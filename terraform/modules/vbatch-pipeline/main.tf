# A nightly vbatch pipeline: staging bucket, results dataset, a least-privilege runner, the Vertex AI
# service agent's access to the staged files, a Cloud Run job running the vbatch image and a Cloud
# Scheduler trigger. The IAM grants live in iam.tf.

locals {
  services = [
    "aiplatform.googleapis.com",
    "bigquery.googleapis.com",
    "cloudscheduler.googleapis.com",
    "iam.googleapis.com",
    "run.googleapis.com",
    "storage.googleapis.com",
  ]
  staging_prefix = "vbatch"
  state_prefix   = "state"
}

resource "google_project_service" "apis" {
  for_each           = toset(local.services)
  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}

data "google_project" "this" {
  project_id = var.project_id
}

# The Vertex AI service agent (service-NUMBER@gcp-sa-aiplatform.iam.gserviceaccount.com) exists only
# once Vertex AI was first used in the project; created here, so the grants to it in iam.tf can
# apply on a new project.
resource "google_project_service_identity" "vertex_agent" {
  provider   = google-beta
  project    = var.project_id
  service    = "aiplatform.googleapis.com"
  depends_on = [google_project_service.apis]
}

resource "google_storage_bucket" "staging" {
  project                     = var.project_id
  name                        = var.bucket_name
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false

  # Staged requests, staged files and predictions are only needed while a run is open.
  lifecycle_rule {
    condition {
      age            = var.staging_retention_days
      matches_prefix = ["${local.staging_prefix}/runs/", "${local.staging_prefix}/files/"]
    }
    action {
      type = "Delete"
    }
  }

  dynamic "encryption" {
    for_each = var.kms_key_name == null ? [] : [var.kms_key_name]
    content {
      default_kms_key_name = encryption.value
    }
  }

  depends_on = [google_project_service.apis, google_kms_crypto_key_iam_member.storage_agent]
}

resource "google_bigquery_dataset" "results" {
  project     = var.project_id
  dataset_id  = var.dataset_id
  location    = var.region
  description = "vbatch results, one table per job, appended per run."

  dynamic "default_encryption_configuration" {
    for_each = var.kms_key_name == null ? [] : [var.kms_key_name]
    content {
      kms_key_name = default_encryption_configuration.value
    }
  }

  depends_on = [google_project_service.apis, google_kms_crypto_key_iam_member.bigquery_agent]
}

resource "google_service_account" "runner" {
  project      = var.project_id
  account_id   = "${var.name}-runner"
  display_name = "vbatch runner (${var.name})"
  description  = "Runs vbatch: creates Vertex AI batch jobs, stages to and reads from the bucket, loads results into BigQuery."
  depends_on   = [google_project_service.apis]
}

resource "google_service_account" "scheduler" {
  project      = var.project_id
  account_id   = "${var.name}-trigger"
  display_name = "vbatch scheduler trigger (${var.name})"
  description  = "Only starts the Cloud Run job."
  depends_on   = [google_project_service.apis]
}

resource "google_cloud_run_v2_job" "nightly" {
  project             = var.project_id
  name                = var.name
  location            = var.region
  deletion_protection = false

  template {
    task_count = 1

    template {
      service_account = google_service_account.runner.email
      timeout         = var.job_timeout
      max_retries     = var.max_retries

      containers {
        image = var.image
        args  = concat(["run", var.job_spec], var.fail_on == "" ? [] : ["--fail-on", var.fail_on])

        env {
          name  = "GOOGLE_CLOUD_PROJECT"
          value = var.project_id
        }
        env {
          name  = "VBATCH_STATE"
          value = "gs://${google_storage_bucket.staging.name}/${local.state_prefix}"
        }
        env {
          name  = "VBATCH_CONSOLE"
          value = "json"
        }
        env {
          name  = "VBATCH_BUCKET"
          value = google_storage_bucket.staging.name
        }
        env {
          name  = "VBATCH_DATASET"
          value = google_bigquery_dataset.results.dataset_id
        }
        dynamic "env" {
          for_each = var.job_env
          content {
            name  = env.key
            value = env.value
          }
        }

        resources {
          limits = {
            cpu    = "2"
            memory = var.memory
          }
        }
      }
    }
  }

  depends_on = [google_project_service.apis]
}

resource "google_cloud_scheduler_job" "nightly" {
  project     = var.project_id
  name        = "${var.name}-trigger"
  region      = var.region
  schedule    = var.schedule
  time_zone   = var.time_zone
  description = "Starts the ${var.name} Cloud Run job."

  http_target {
    http_method = "POST"
    uri         = "https://${var.region}-run.googleapis.com/apis/run.googleapis.com/v1/namespaces/${data.google_project.this.number}/jobs/${google_cloud_run_v2_job.nightly.name}:run"

    oauth_token {
      service_account_email = google_service_account.scheduler.email
    }
  }

  depends_on = [google_project_service.apis, google_cloud_run_v2_job_iam_member.trigger]
}
