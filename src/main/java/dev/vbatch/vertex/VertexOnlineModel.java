package dev.vbatch.vertex;

import com.google.api.core.ApiFutureCallback;
import com.google.api.core.ApiFutures;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.ChannelPoolSettings;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.FixedHeaderProvider;
import com.google.cloud.aiplatform.v1.GenerateContentRequest;
import com.google.cloud.aiplatform.v1.GenerateContentResponse;
import com.google.cloud.aiplatform.v1.PredictionServiceClient;
import com.google.cloud.aiplatform.v1.PredictionServiceSettings;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.util.Durations;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@link OnlineModel} over the real PredictionServiceClient. The client does not retry: the online
 * executor does, with jitter, within its rate limits, and honouring the server's retry delay.
 */
public final class VertexOnlineModel implements OnlineModel {
  /** Errors that no retry and no other request will get past: the run stops on them. */
  public static final Set<String> FATAL = Set.of("PERMISSION_DENIED", "UNAUTHENTICATED", "NOT_FOUND");
  /** Google's front ends take about 100 concurrent streams per connection. */
  private static final int STREAMS_PER_CHANNEL = 100;

  private final PredictionServiceClient client;
  private final String model;
  private final String project;

  private VertexOnlineModel(PredictionServiceClient client, String model, String project) {
    this.client = client;
    this.model = model;
    this.project = project;
  }

  /**
   * Connects to {@code endpoint} (host:port) for {@code modelResource} (publishers/google/models/M).
   * {@code local} means the emulator: plaintext and no credentials.
   */
  public static VertexOnlineModel connect(String endpoint, boolean local, String project, String location,
      String modelResource, int concurrency, String version) throws IOException {
    InstantiatingGrpcChannelProvider.Builder channel = InstantiatingGrpcChannelProvider.newBuilder()
        .setEndpoint(endpoint)
        .setChannelPoolSettings(ChannelPoolSettings.staticallySized(
            Math.max(1, (concurrency + STREAMS_PER_CHANNEL - 1) / STREAMS_PER_CHANNEL)));
    PredictionServiceSettings.Builder settings = PredictionServiceSettings.newBuilder().setEndpoint(endpoint)
        .setHeaderProvider(FixedHeaderProvider.create("user-agent", "vbatch/" + version));
    if (local) {
      settings.setCredentialsProvider(NoCredentialsProvider.create());
      channel.setChannelConfigurator(ManagedChannelBuilder::usePlaintext);
    }
    settings.setTransportChannelProvider(channel.build());
    // One attempt per call: a long document can take minutes to answer.
    settings.generateContentSettings().setRetryableCodes()
        .setRetrySettings(RetrySettings.newBuilder().setMaxAttempts(1)
            .setInitialRpcTimeoutDuration(Duration.ofMinutes(10)).setMaxRpcTimeoutDuration(Duration.ofMinutes(10))
            .setTotalTimeoutDuration(Duration.ofMinutes(10)).build());
    String model = "projects/" + project + "/locations/" + location + "/" + modelResource;
    return new VertexOnlineModel(PredictionServiceClient.create(settings.build()), model, project);
  }

  @Override
  public CompletableFuture<GenerateContentResponse> generate(GenerateContentRequest request) {
    CompletableFuture<GenerateContentResponse> out = new CompletableFuture<>();
    ApiFutures.addCallback(client.generateContentCallable().futureCall(request.toBuilder().setModel(model).build()),
        new ApiFutureCallback<>() {
          @Override
          public void onFailure(Throwable t) {
            out.completeExceptionally(failure(t));
          }

          @Override
          public void onSuccess(GenerateContentResponse response) {
            out.complete(response);
          }
        }, MoreExecutors.directExecutor());
    return out;
  }

  private CallFailure failure(Throwable t) {
    if (!(t instanceof ApiException e)) {
      return new CallFailure("UNKNOWN", "generateContent failed: " + t, null);
    }
    String code = e.getStatusCode().getCode().name();
    Duration delay = null;
    if (e.getErrorDetails() != null && e.getErrorDetails().getRetryInfo() != null
        && e.getErrorDetails().getRetryInfo().hasRetryDelay()) {
      delay = Duration.ofMillis(Durations.toMillis(e.getErrorDetails().getRetryInfo().getRetryDelay()));
    }
    String message = FATAL.contains(code)
        ? VertexBatchJobs.translate("generateContent with " + model, e, project).getMessage()
        : code + ": " + (e.getMessage() == null ? "" : e.getMessage().replaceAll("\\s+", " "));
    return new CallFailure(code, message, delay);
  }

  @Override
  public void close() {
    client.close();
  }
}
