package dev.vbatch.vertex;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.FixedHeaderProvider;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.aiplatform.v1.BatchPredictionJob;
import com.google.cloud.aiplatform.v1.GcsDestination;
import com.google.cloud.aiplatform.v1.BigQueryDestination;
import com.google.cloud.aiplatform.v1.BigQuerySource;
import com.google.cloud.aiplatform.v1.GcsSource;
import com.google.cloud.aiplatform.v1.JobServiceClient;
import com.google.cloud.aiplatform.v1.JobServiceSettings;
import com.google.cloud.aiplatform.v1.ListBatchPredictionJobsRequest;
import dev.vbatch.event.EventSink;
import dev.vbatch.util.Backoff;
import dev.vbatch.util.TimeSource;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@link BatchJobs} over the real JobServiceClient. The emulator and Vertex differ only in the
 * endpoint and credentials given to {@link #connect}.
 */
public final class VertexBatchJobs implements BatchJobs {
  private static final Set<StatusCode.Code> TRANSIENT =
      Set.of(StatusCode.Code.UNAVAILABLE, StatusCode.Code.RESOURCE_EXHAUSTED, StatusCode.Code.DEADLINE_EXCEEDED,
          StatusCode.Code.INTERNAL);
  private static final int CREATE_ATTEMPTS = 6;

  private final JobServiceClient client;
  private final String parent;
  private final TimeSource time;
  private final EventSink events;

  VertexBatchJobs(JobServiceClient client, String parent, TimeSource time, EventSink events) {
    this.client = client;
    this.parent = parent;
    this.time = time;
    this.events = events;
  }

  /**
   * Connects to {@code endpoint} (host:port). {@code local} means the emulator: plaintext and no
   * credentials; otherwise TLS and Application Default Credentials.
   */
  public static VertexBatchJobs connect(
      String endpoint, boolean local, String project, String location, String version, TimeSource time, EventSink events)
      throws IOException {
    JobServiceSettings.Builder settings = JobServiceSettings.newBuilder().setEndpoint(endpoint)
        .setHeaderProvider(FixedHeaderProvider.create("user-agent", "vbatch/" + version));
    if (local) {
      settings.setCredentialsProvider(NoCredentialsProvider.create());
      settings.setTransportChannelProvider(InstantiatingGrpcChannelProvider.newBuilder()
          .setEndpoint(endpoint)
          .setChannelConfigurator(ManagedChannelBuilder::usePlaintext)
          .build());
    }
    // get and list are safe to repeat; by default they are not retried on UNAVAILABLE.
    RetrySettings retry = RetrySettings.newBuilder()
        .setInitialRetryDelayDuration(Duration.ofMillis(200))
        .setRetryDelayMultiplier(2.0)
        .setMaxRetryDelayDuration(Duration.ofSeconds(10))
        .setInitialRpcTimeoutDuration(Duration.ofSeconds(30))
        .setRpcTimeoutMultiplier(1.0)
        .setMaxRpcTimeoutDuration(Duration.ofSeconds(30))
        .setTotalTimeoutDuration(Duration.ofSeconds(90))
        .build();
    settings.getBatchPredictionJobSettings()
        .setRetryableCodes(StatusCode.Code.UNAVAILABLE, StatusCode.Code.DEADLINE_EXCEEDED, StatusCode.Code.RESOURCE_EXHAUSTED)
        .setRetrySettings(retry);
    settings.listBatchPredictionJobsSettings()
        .setRetryableCodes(StatusCode.Code.UNAVAILABLE, StatusCode.Code.DEADLINE_EXCEEDED, StatusCode.Code.RESOURCE_EXHAUSTED)
        .setRetrySettings(retry);
    String parent = "projects/" + project + "/locations/" + location;
    return new VertexBatchJobs(JobServiceClient.create(settings.build()), parent, time, events);
  }

  @Override
  public BatchJob create(JobRequest request) throws InterruptedException {
    BatchPredictionJob job = BatchPredictionJob.newBuilder()
        .setDisplayName(request.displayName())
        .setModel(request.model())
        .setInputConfig(inputConfig(request))
        .setOutputConfig(outputConfig(request))
        .putAllLabels(request.labels())
        .build();
    Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), 2.0, request.displayName().hashCode());
    for (int attempt = 1; ; attempt++) {
      try {
        return toBatchJob(client.createBatchPredictionJob(parent, job));
      } catch (ApiException e) {
        if (!TRANSIENT.contains(e.getStatusCode().getCode()) || attempt >= CREATE_ATTEMPTS) {
          throw translate("create batch job " + request.displayName(), e);
        }
        events.warn("creating " + request.displayName() + " failed with " + e.getStatusCode().getCode()
            + " (attempt " + attempt + " of " + CREATE_ATTEMPTS + "); checking whether it was created anyway");
        time.sleep(backoff.next());
        List<BatchJob> existing = findByLabels(request.labels());
        if (!existing.isEmpty()) {
          events.info("found " + existing.get(0).name() + ", created before the error; not creating it again");
          return existing.get(0);
        }
      }
    }
  }

  @Override
  public BatchJob get(String name) {
    try {
      return toBatchJob(client.getBatchPredictionJob(name));
    } catch (ApiException e) {
      throw translate("get " + name, e);
    }
  }

  @Override
  public List<BatchJob> findByLabels(Map<String, String> labels) {
    return list(labels.entrySet().stream()
        .map(e -> "labels." + e.getKey() + "=\"" + e.getValue() + "\"")
        .collect(Collectors.joining(" AND ")));
  }

  @Override
  public List<BatchJob> list(String filter) {
    try {
      List<BatchJob> out = new ArrayList<>();
      ListBatchPredictionJobsRequest req = ListBatchPredictionJobsRequest.newBuilder()
          .setParent(parent).setFilter(filter).build();
      for (BatchPredictionJob j : client.listBatchPredictionJobs(req).iterateAll()) {
        out.add(toBatchJob(j));
      }
      return out;
    } catch (ApiException e) {
      throw translate("list batch jobs", e);
    }
  }

  @Override
  public void cancel(String name) {
    try {
      client.cancelBatchPredictionJob(name);
    } catch (ApiException e) {
      throw translate("cancel " + name, e);
    }
  }

  @Override
  public void delete(String name) throws InterruptedException {
    try {
      client.deleteBatchPredictionJobAsync(name).get();
    } catch (ApiException e) {
      throw translate("delete " + name, e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof ApiException api) {
        throw translate("delete " + name, api);
      }
      throw new CloudException("UNKNOWN", "delete " + name + " failed: " + e.getCause(), e.getCause());
    }
  }

  @Override
  public void close() {
    client.close();
  }

  /** JSONL files on Cloud Storage, or a BigQuery table when the input is a bq:// URI. */
  static BatchPredictionJob.InputConfig inputConfig(JobRequest request) {
    if (request.inputUris().size() == 1 && request.inputUris().get(0).startsWith("bq://")) {
      return BatchPredictionJob.InputConfig.newBuilder().setInstancesFormat("bigquery")
          .setBigquerySource(BigQuerySource.newBuilder().setInputUri(request.inputUris().get(0))).build();
    }
    return BatchPredictionJob.InputConfig.newBuilder().setInstancesFormat("jsonl")
        .setGcsSource(GcsSource.newBuilder().addAllUris(request.inputUris())).build();
  }

  static BatchPredictionJob.OutputConfig outputConfig(JobRequest request) {
    if (request.outputUriPrefix().startsWith("bq://")) {
      return BatchPredictionJob.OutputConfig.newBuilder().setPredictionsFormat("bigquery")
          .setBigqueryDestination(BigQueryDestination.newBuilder().setOutputUri(request.outputUriPrefix())).build();
    }
    return BatchPredictionJob.OutputConfig.newBuilder().setPredictionsFormat("jsonl")
        .setGcsDestination(GcsDestination.newBuilder().setOutputUriPrefix(request.outputUriPrefix())).build();
  }

  /**
   * Where a job's predictions are: its gcsOutputDirectory, or for BigQuery output the table, as
   * bq://PROJECT.DATASET.TABLE from outputInfo's dataset (bq://PROJECT.DATASET) and table name.
   */
  static String outputLocation(BatchPredictionJob j) {
    BatchPredictionJob.OutputInfo info = j.getOutputInfo();
    if (!info.getBigqueryOutputTable().isEmpty()) {
      String dataset = info.getBigqueryOutputDataset();
      if (dataset.isEmpty()) {
        String[] asked = j.getOutputConfig().getBigqueryDestination().getOutputUri().replaceFirst("^bq://", "").split("\\.");
        dataset = asked[0] + "." + (asked.length > 1 ? asked[1] : "");
      }
      return (dataset.startsWith("bq://") ? dataset : "bq://" + dataset) + "." + info.getBigqueryOutputTable();
    }
    return info.getGcsOutputDirectory();
  }

  static BatchJob toBatchJob(BatchPredictionJob j) {
    JobState state;
    try {
      state = JobState.valueOf(j.getState().name().replace("JOB_STATE_", ""));
    } catch (IllegalArgumentException e) {
      state = JobState.UNKNOWN;
    }
    String out = outputLocation(j);
    String error = j.hasError() && !j.getError().getMessage().isEmpty()
        ? j.getError().getMessage() + " (code " + j.getError().getCode() + ")" : null;
    return new BatchJob(j.getName(), j.getDisplayName(), state,
        j.getCompletionStats().getSuccessfulCount(), j.getCompletionStats().getFailedCount(),
        j.getCompletionStats().getIncompleteCount(),
        out.isEmpty() ? Optional.empty() : Optional.of(out), Optional.ofNullable(error),
        Instant.ofEpochSecond(j.getCreateTime().getSeconds(), j.getCreateTime().getNanos()),
        Map.copyOf(j.getLabelsMap()), j.getModel());
  }

  CloudException translate(String what, ApiException e) {
    return translate(what, e, parent.split("/")[1]);
  }

  static CloudException translate(String what, ApiException e, String project) {
    String code = e.getStatusCode().getCode().name();
    // The service's own words, without the client's exception class names in front of them.
    String detail = e.getMessage() == null ? "" : e.getMessage().replaceAll("\\s+", " ")
        .replaceAll("(?:[a-z]+\\.)+[A-Z][A-Za-z]*(?:Exception|Error): ", "").replaceFirst("^" + code + ": ", "");
    return new CloudException(code, what + ": " + CloudAdvice.forVertex(code, detail, project) + " [" + code + ": " + detail + "]", e);
  }

}
