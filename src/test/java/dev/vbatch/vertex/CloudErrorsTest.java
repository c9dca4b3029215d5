package dev.vbatch.vertex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.gax.grpc.GrpcStatusCode;
import com.google.api.gax.rpc.ApiException;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import dev.vbatch.storage.GcsBlobStore;
import io.grpc.Status;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

/** Each Google Cloud error becomes one line that names the principal, the role or the fix. */
class CloudErrorsTest {
  private static CloudException vertex(Status.Code code, String message) {
    return VertexBatchJobs.translate("create batch job j", new ApiException(message, null, GrpcStatusCode.of(code), false), "my-project");
  }

  @Test
  void theServiceAgentLackingBucketAccessIsNamedWithTheRoleAndCommand() {
    CloudException e = vertex(Status.Code.FAILED_PRECONDITION, "Service account `service-789051324393@gcp-sa-aiplatform.iam.gserviceaccount.com` "
        + "does not have `[storage.objects.get]` IAM permission(s) to the directory \"gs://my-bucket/vbatch/runs\".");
    assertThat(e.code()).isEqualTo("FAILED_PRECONDITION");
    assertThat(e.getMessage())
        .contains("the Vertex AI service agent service-789051324393@gcp-sa-aiplatform.iam.gserviceaccount.com cannot storage.objects.get in gs://my-bucket")
        .contains("gcloud storage buckets add-iam-policy-binding gs://my-bucket --member=serviceAccount:service-789051324393@gcp-sa-aiplatform.iam.gserviceaccount.com --role=roles/storage.objectUser");
  }

  @Test
  void theRunnersMissingPermissionNamesTheRoleAndProject() {
    CloudException e = vertex(Status.Code.PERMISSION_DENIED, "Permission 'aiplatform.batchPredictionJobs.create' denied on resource "
        + "'//aiplatform.googleapis.com/projects/my-project/locations/us-central1' (or it may not exist).");
    assertThat(e.getMessage()).startsWith("create batch job j: permission denied (aiplatform.batchPredictionJobs.create): "
        + "the account running vbatch needs roles/aiplatform.user on project my-project");
  }

  @Test
  void aDisabledApiSaysHowToEnableIt() {
    CloudException e = vertex(Status.Code.PERMISSION_DENIED, "Vertex AI API has not been used in project 123 before or it is disabled.");
    assertThat(e.getMessage()).contains("gcloud services enable aiplatform.googleapis.com --project my-project");
  }

  @Test
  void missingCredentialsQuotaAndNotFoundEachHaveTheirLine() {
    assertThat(vertex(Status.Code.UNAUTHENTICATED, "Request had invalid authentication credentials.").getMessage())
        .contains("run 'gcloud auth application-default login'");
    assertThat(vertex(Status.Code.RESOURCE_EXHAUSTED, "Quota exceeded").getMessage())
        .contains("quota exhausted").contains("aiplatform.googleapis.com");
    assertThat(vertex(Status.Code.NOT_FOUND, "Project not found").getMessage()).contains("check the project (my-project)");
  }

  private static GcsBlobStore failingStore(int status, String message) {
    Storage storage = (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class},
        (p, m, args) -> {
          throw new StorageException(status, message);
        });
    return new GcsBlobStore(storage, "gs://team-bucket/vbatch");
  }

  @Test
  void aMissingBucketSaysHowToCreateIt() {
    assertThatThrownBy(() -> failingStore(404, "The specified bucket does not exist.").exists("files/a.pdf"))
        .isInstanceOf(CloudException.class)
        .hasMessageContaining("bucket gs://team-bucket does not exist: create it in the job's region (gcloud storage buckets create gs://team-bucket --location=REGION) or fix 'staging' in the spec");
  }

  @Test
  void aForbiddenBucketNamesTheRunnerAndTheRole() {
    assertThatThrownBy(() -> failingStore(403, "caller does not have storage.objects.create access to the Google Cloud Storage object.")
            .list("gs://team-bucket/vbatch/runs"))
        .isInstanceOf(CloudException.class)
        .hasMessageContaining("the account running vbatch is not allowed to use gs://team-bucket: grant it roles/storage.objectUser on the bucket");
  }
}
