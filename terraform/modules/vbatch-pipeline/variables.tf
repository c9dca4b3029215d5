variable "project_id" {
  description = "The Google Cloud project the pipeline runs in."
  type        = string
}

variable "region" {
  description = "One region for everything: the Vertex AI batch jobs, the staging bucket, the BigQuery dataset, the Cloud Run job and the scheduler. Vertex batch prediction needs a single region (us-central1, europe-west4, ...), not a multi-region."
  type        = string

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "The region must be a single region such as us-central1 or europe-west4; multi-regions (US, EU, asia) and global cannot hold Vertex AI batch jobs with BigQuery or regional staging."
  }
}

variable "name" {
  description = "A short name for the pipeline, used in resource names (lowercase letters, digits and hyphens)."
  type        = string
  default     = "vbatch-nightly"

  validation {
    # Service account ids are NAME-runner and NAME-trigger and must be 6 to 30 characters.
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}[a-z0-9]$", var.name))
    error_message = "The name must be 3 to 22 characters (the service accounts NAME-runner and NAME-trigger may have 30): lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen."
  }
}

variable "bucket_name" {
  description = "The staging bucket to create (globally unique). vbatch stages requests under gs://BUCKET/vbatch and keeps run state under gs://BUCKET/state."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "The bucket name must be 3 to 63 characters: lowercase letters, digits, '-', '_' and '.'."
  }
}

variable "staging_retention_days" {
  description = "Days after which staged requests, staged files and predictions are deleted. Run state and results are kept."
  type        = number
  default     = 30

  validation {
    condition     = var.staging_retention_days >= 1
    error_message = "staging_retention_days must be at least 1."
  }
}

variable "kms_key_name" {
  description = "Optional Cloud KMS key (projects/P/locations/REGION/keyRings/R/cryptoKeys/K) for the bucket and the dataset (CMEK). Null for Google-managed keys."
  type        = string
  default     = null
}

variable "dataset_id" {
  description = "The BigQuery dataset for results tables and BigQuery-staged requests (created in the region; the job gets its id as VBATCH_DATASET)."
  type        = string
  default     = "vbatch"

  validation {
    # RE2 refuses repeat counts over 1000, so the length is checked apart from the characters.
    condition     = length(var.dataset_id) <= 1024 && can(regex("^[A-Za-z0-9_]+$", var.dataset_id))
    error_message = "The dataset id must be 1 to 1024 letters, digits and underscores."
  }
}

variable "input_buckets" {
  description = "Buckets that hold inputs already in the cloud (gs:// prefixes in job specs): the runner may list and read them, the Vertex AI service agent may read them."
  type        = list(string)
  default     = []
}

variable "input_datasets" {
  description = "BigQuery datasets (ids in project_id) holding input tables (input.table.bigquery in job specs): the runner may read their tables."
  type        = list(string)
  default     = []
}

variable "image" {
  description = "The container image that runs vbatch with your job specs (see the repository's Dockerfile), e.g. REGION-docker.pkg.dev/PROJECT/vbatch/vbatch:1.0."
  type        = string
}

variable "job_spec" {
  description = "The job spec the nightly run uses, as a path inside the image (e.g. /app/jobs/nightly-invoices/job.yaml)."
  type        = string
}

variable "job_env" {
  description = "More environment variables for the container, for the $${env:NAME} references in the job spec (e.g. VBATCH_INPUTS). VBATCH_BUCKET, VBATCH_STATE, VBATCH_CONSOLE and GOOGLE_CLOUD_PROJECT are set by the module."
  type        = map(string)
  default     = {}
}

variable "fail_on" {
  description = "vbatch --fail-on rules: the run counts as failed only when one is crossed (e.g. \"failed>2%\"). Empty for any failed item."
  type        = string
  default     = "failed>2%"
}

variable "schedule" {
  description = "When to run, as a five-field cron expression (minute hour day-of-month month day-of-week)."
  type        = string
  default     = "0 2 * * *"

  validation {
    condition     = can(regex("^\\s*([0-9*,/?LW#A-Za-z-]+\\s+){4}[0-9*,/?LW#A-Za-z-]+\\s*$", var.schedule))
    error_message = "The schedule must be a five-field cron expression, such as \"0 2 * * *\" (02:00 every day)."
  }
}

variable "time_zone" {
  description = "The time zone of the schedule (an IANA name such as Europe/Berlin)."
  type        = string
  default     = "Etc/UTC"

  validation {
    condition     = can(regex("^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$", var.time_zone))
    error_message = "The time zone must be an IANA name such as Etc/UTC or Europe/Berlin."
  }
}

variable "job_timeout" {
  description = "How long one nightly run may take before Cloud Run stops it (a later run resumes it from the state on gs://)."
  type        = string
  default     = "86400s"
}

variable "max_retries" {
  description = "How often Cloud Run restarts a failed run in the same night; each restart resumes, never resubmits."
  type        = number
  default     = 1
}

variable "memory" {
  description = "Memory for the container (vbatch merges a million predictions in under 512 MiB of heap)."
  type        = string
  default     = "2Gi"
}
