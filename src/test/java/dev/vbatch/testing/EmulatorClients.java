package dev.vbatch.testing;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.cloud.aiplatform.v1.JobServiceClient;
import com.google.cloud.aiplatform.v1.JobServiceSettings;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;

/** Google's own JobServiceClient, pointed at an emulator: how a notebook or another tool would call it. */
public final class EmulatorClients {
  private EmulatorClients() {}

  public static JobServiceClient jobs(String endpoint) throws IOException {
    return JobServiceClient.create(JobServiceSettings.newBuilder().setEndpoint(endpoint)
        .setCredentialsProvider(NoCredentialsProvider.create())
        .setTransportChannelProvider(InstantiatingGrpcChannelProvider.newBuilder().setEndpoint(endpoint)
            .setChannelConfigurator(ManagedChannelBuilder::usePlaintext).build())
        .build());
  }

  public static com.google.cloud.aiplatform.v1.PredictionServiceClient predictions(String endpoint) throws IOException {
    return com.google.cloud.aiplatform.v1.PredictionServiceClient.create(
        com.google.cloud.aiplatform.v1.PredictionServiceSettings.newBuilder().setEndpoint(endpoint)
            .setCredentialsProvider(NoCredentialsProvider.create())
            .setTransportChannelProvider(InstantiatingGrpcChannelProvider.newBuilder().setEndpoint(endpoint)
                .setChannelConfigurator(ManagedChannelBuilder::usePlaintext).build())
            .build());
  }
}
