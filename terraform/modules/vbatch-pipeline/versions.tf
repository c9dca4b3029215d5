terraform {
  required_version = ">= 1.5"

  # 6.0 is the first release with deletion_protection on google_cloud_run_v2_job; 7.x keeps every
  # argument the module uses. google-beta creates the Vertex AI service agent
  # (google_project_service_identity has no GA resource).
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
