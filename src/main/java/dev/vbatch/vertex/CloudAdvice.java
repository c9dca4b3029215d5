package dev.vbatch.vertex;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What to do about a Google Cloud error, in one line: which principal lacks which role, which
 * credentials are missing, which bucket or project is wrong. Two principals matter and are told
 * apart: the account running vbatch (Application Default Credentials), which creates jobs and
 * stages files, and the Vertex AI service agent, which reads the staged files and writes the
 * predictions.
 */
public final class CloudAdvice {
  private static final Pattern SERVICE_AGENT = Pattern.compile("service-\\d+@gcp-sa-aiplatform\\.iam\\.gserviceaccount\\.com");
  private static final Pattern PERMISSION = Pattern.compile("(?:Permission '|\\[)([a-z]+\\.[a-zA-Z]+\\.[a-zA-Z]+)(?:'|\\])");
  private static final Pattern PUBLISHER_MODEL = Pattern.compile("PublisherModel \\S*models/([A-Za-z0-9._@-]+)");
  private static final Pattern BUCKET = Pattern.compile("gs://([a-z0-9._-]+)");

  private CloudAdvice() {}

  /** The advice for a Vertex AI error with this gRPC code and message. */
  public static String forVertex(String code, String message, String project) {
    String m = message == null ? "" : message;
    Optional<String> agent = serviceAgent(m);
    if (agent.isPresent()) {
      String bucket = bucket(m).map(b -> "gs://" + b).orElse("the staging bucket");
      return "the Vertex AI service agent " + agent.get() + " cannot " + permission(m).orElse("read or write")
          + " in " + bucket + ": grant it roles/storage.objectUser on the bucket (gcloud storage buckets add-iam-policy-binding "
          + bucket + " --member=serviceAccount:" + agent.get() + " --role=roles/storage.objectUser)";
    }
    if (m.contains("Service agents are being provisioned")) {
      return "Vertex AI is still creating its service agent for this project; wait a few minutes and run again";
    }
    Matcher model = PUBLISHER_MODEL.matcher(m);
    if (code.equals("NOT_FOUND") && model.find()) {
      return "Vertex AI does not serve model '" + model.group(1) + "' in this location for project " + project
          + ": fix 'model' in the spec (models vbatch knows: "
          + String.join(", ", dev.vbatch.results.Pricing.knownModels()) + ")";
    }
    return switch (code) {
      case "UNAUTHENTICATED" -> "no usable credentials: run 'gcloud auth application-default login', or set "
          + "GOOGLE_APPLICATION_CREDENTIALS to a service account key file";
      case "PERMISSION_DENIED" -> "permission denied" + permission(m).map(p -> " (" + p + ")").orElse("")
          + ": the account running vbatch needs roles/aiplatform.user on project " + project
          + (m.contains("has not been used") || m.contains("is disabled")
              ? "; the Vertex AI API is not enabled there: gcloud services enable aiplatform.googleapis.com --project " + project
              : "; if the project id is wrong, fix 'project' in the spec");
      case "RESOURCE_EXHAUSTED" -> "quota exhausted: wait and run again, or ask for more Vertex AI batch prediction quota "
          + "(IAM & Admin > Quotas, service aiplatform.googleapis.com)";
      case "NOT_FOUND" -> "not found: check the project (" + project + "), the location and the model name";
      case "INVALID_ARGUMENT", "FAILED_PRECONDITION" -> "Vertex rejected the request";
      default -> "the call failed";
    };
  }

  /** The advice for a Cloud Storage error with this HTTP status on {@code uri}. */
  public static String forStorage(int status, String message, String uri) {
    String bucket = bucket(uri).map(b -> "gs://" + b).orElse(uri);
    String m = message == null ? "" : message;
    return switch (status) {
      case 401 -> "no usable credentials: run 'gcloud auth application-default login', or set "
          + "GOOGLE_APPLICATION_CREDENTIALS to a service account key file";
      case 403 -> "the account running vbatch is not allowed to " + permission(m).orElse("use") + " " + bucket
          + ": grant it roles/storage.objectUser on the bucket";
      case 404 -> m.toLowerCase().contains("bucket") || uri.equals(bucket)
          ? "bucket " + bucket + " does not exist: create it in the job's region (gcloud storage buckets create " + bucket
              + " --location=REGION) or fix 'staging' in the spec"
          : uri + " does not exist";
      case 429 -> "Cloud Storage is throttling requests; run again (staged files are not uploaded twice)";
      default -> "Cloud Storage failed (HTTP " + status + ")";
    };
  }

  static Optional<String> serviceAgent(String message) {
    Matcher m = SERVICE_AGENT.matcher(message);
    return m.find() ? Optional.of(m.group()) : Optional.empty();
  }

  static Optional<String> permission(String message) {
    Matcher m = PERMISSION.matcher(message);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  static Optional<String> bucket(String text) {
    Matcher m = BUCKET.matcher(text);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }
}
