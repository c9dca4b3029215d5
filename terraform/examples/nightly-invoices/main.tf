# An example root configuration: a nightly run of jobs/nightly-invoices (PDFs under a gs:// prefix,
# results appended to a BigQuery table) at 02:00 Berlin time.
#
#   terraform init
#   terraform apply -var project_id=my-project -var bucket_name=my-project-vbatch \
#     -var image=europe-west4-docker.pkg.dev/my-project/vbatch/vbatch:1.0 -var inputs_bucket=my-project-scans

terraform {
  required_version = ">= 1.5"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 6.0, < 8.0"
    }
    google-beta = {
      source  = "hashicorp/google-beta"
      version = ">= 6.0, < 8.0"
    }
  }
}

variable "project_id" {
  description = "The Google Cloud project."
  type        = string
}

variable "bucket_name" {
  description = "The staging bucket to create."
  type        = string
}

variable "image" {
  description = "The vbatch image with the jobs/ folder (see the repository's Dockerfile)."
  type        = string
}

variable "inputs_bucket" {
  description = "The bucket the scanned PDFs arrive in."
  type        = string
}

provider "google" {
  project = var.project_id
  region  = "europe-west4"
}

provider "google-beta" {
  project = var.project_id
  region  = "europe-west4"
}

module "invoices" {
  source = "../../modules/vbatch-pipeline"

  project_id    = var.project_id
  region        = "europe-west4"
  name          = "nightly-invoices"
  bucket_name   = var.bucket_name
  dataset_id    = "invoices"
  input_buckets = [var.inputs_bucket]
  image         = var.image
  job_spec      = "/app/jobs/nightly-invoices/job.yaml"
  job_env       = { VBATCH_INPUTS = var.inputs_bucket }
  fail_on       = "failed>2%"
  schedule      = "0 2 * * *"
  time_zone     = "Europe/Berlin"
}

output "staging_uri" {
  value = module.invoices.staging_uri
}

output "state_uri" {
  value = module.invoices.state_uri
}

output "dataset" {
  value = module.invoices.dataset
}

output "service_account" {
  value = module.invoices.service_account
}

output "job_name" {
  value = module.invoices.job_name
}
