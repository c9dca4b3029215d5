package dev.vbatch.emulator;

import com.google.cloud.aiplatform.v1.BatchPredictionJob;
import com.google.cloud.aiplatform.v1.CancelBatchPredictionJobRequest;
import com.google.cloud.aiplatform.v1.CreateBatchPredictionJobRequest;
import com.google.cloud.aiplatform.v1.DeleteBatchPredictionJobRequest;
import com.google.cloud.aiplatform.v1.DeleteOperationMetadata;
import com.google.cloud.aiplatform.v1.GetBatchPredictionJobRequest;
import com.google.cloud.aiplatform.v1.JobServiceGrpc;
import com.google.cloud.aiplatform.v1.JobState;
import com.google.cloud.aiplatform.v1.ListBatchPredictionJobsRequest;
import com.google.cloud.aiplatform.v1.ListBatchPredictionJobsResponse;
import com.google.longrunning.Operation;
import com.google.protobuf.Any;
import com.google.protobuf.Empty;
import dev.vbatch.util.TimeSource;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/** The batch prediction part of Vertex's JobService, as the emulator serves it. */
final class EmulatorJobService extends JobServiceGrpc.JobServiceImplBase {
  private final JobStore store;
  private final Timeline timeline;
  private final Faults faults;
  private final TimeSource time;
  private final EmulatorConfig config;
  private final EmulatorOperations operations;

  EmulatorJobService(JobStore store, Timeline timeline, Faults faults, EmulatorConfig config, TimeSource time,
      EmulatorOperations operations) {
    this.operations = operations;
    this.config = config;
    this.store = store;
    this.timeline = timeline;
    this.faults = faults;
    this.time = time;
  }

  /** A call body that may fail with a gRPC status. */
  private interface Call<T> {
    T run() throws IOException;
  }

  private <T> void serve(StreamObserver<T> observer, Call<T> call) {
    try {
      if (faults.nextCallFails()) {
        throw transientError();
      }
      T result = call.run();
      observer.onNext(result);
      observer.onCompleted();
    } catch (StatusRuntimeException e) {
      observer.onError(e);
    } catch (IllegalArgumentException e) {
      observer.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
    } catch (IOException | RuntimeException e) {
      observer.onError(Status.INTERNAL.withDescription("emulator: " + e).asRuntimeException());
    }
  }

  private StatusRuntimeException transientError() {
    return faults.coin()
        ? Status.UNAVAILABLE.withDescription("The service is currently unavailable.").asRuntimeException()
        : Status.RESOURCE_EXHAUSTED.withDescription("Quota exceeded for aiplatform.googleapis.com/batch_prediction_requests (emulated).").asRuntimeException();
  }

  @Override
  public void createBatchPredictionJob(CreateBatchPredictionJobRequest request, StreamObserver<BatchPredictionJob> observer) {
    serve(observer, () -> {
      validate(request);
      String id = String.valueOf(ThreadLocalRandom.current().nextLong(1_000_000_000_000_000_000L, Long.MAX_VALUE));
      Instant now = time.now();
      BatchPredictionJob job = request.getBatchPredictionJob().toBuilder()
          .setName(request.getParent() + "/batchPredictionJobs/" + id)
          .setState(JobState.JOB_STATE_QUEUED)
          .setCreateTime(Timeline.ts(now))
          .setUpdateTime(Timeline.ts(now))
          .build();
      EmulatedJob em = new EmulatedJob();
      em.id = id;
      em.faults = new java.util.HashMap<>(config.faults());
      em.seed = config.seed();
      em.sequence = store.ids().size() + 1;
      if (faults.hits("job-failure", job.getDisplayName())) {
        em.fault = "job-failure";
      } else if (faults.hits("expire", job.getDisplayName())) {
        em.fault = "expire";
      } else if (faults.hits("stuck", job.getDisplayName())) {
        em.fault = "stuck";
      }
      boolean loseAnswer = faults.nextCallFails() && faults.coin();
      store.create(new JobStore.Entry(job, em));
      if (loseAnswer) {
        // The job exists but the caller never hears of it, as when a response is lost.
        throw Status.UNAVAILABLE.withDescription("The service is currently unavailable.").asRuntimeException();
      }
      return job;
    });
  }

  /** The publisher models the emulator serves, as Vertex's batch prediction serves them. */
  static final java.util.regex.Pattern SERVED = java.util.regex.Pattern.compile(
      "gemini-(2\\.0-flash(-lite)?|2\\.5-(pro|flash|flash-lite)|3(\\.\\d)?-(pro|flash|flash-lite))(-preview[\\w.\\-]*|-\\d{3})?");

  private static void validate(CreateBatchPredictionJobRequest request) {
    if (!request.getParent().matches("projects/[^/]+/locations/[^/]+")) {
      throw new IllegalArgumentException("parent must be projects/PROJECT/locations/LOCATION, got '" + request.getParent() + "'");
    }
    BatchPredictionJob job = request.getBatchPredictionJob();
    List<String> problems = new ArrayList<>();
    if (job.getDisplayName().isEmpty()) {
      problems.add("display_name is required");
    }
    if (!job.getModel().matches("(publishers/google/models/|projects/[^/]+/locations/[^/]+/publishers/google/models/)gemini[\\w.\\-@]*")) {
      problems.add("model '" + job.getModel() + "' is not a Gemini publisher model the emulator serves");
    }
    var in = job.getInputConfig();
    boolean jsonlIn = in.getInstancesFormat().equals("jsonl") && in.getGcsSource().getUrisCount() > 0;
    boolean bigqueryIn = in.getInstancesFormat().equals("bigquery") && in.getBigquerySource().getInputUri().startsWith("bq://");
    if (!jsonlIn && !bigqueryIn) {
      problems.add("input_config must be instances_format jsonl with gcs_source uris, or bigquery with a bq:// bigquery_source input_uri");
    }
    var out = job.getOutputConfig();
    boolean jsonlOut = out.getPredictionsFormat().equals("jsonl") && !out.getGcsDestination().getOutputUriPrefix().isEmpty();
    boolean bigqueryOut = out.getPredictionsFormat().equals("bigquery") && out.getBigqueryDestination().getOutputUri().startsWith("bq://");
    if (!jsonlOut && !bigqueryOut) {
      problems.add("output_config must be predictions_format jsonl with a gcs_destination output_uri_prefix, or bigquery with a "
          + "bq:// bigquery_destination output_uri");
    }
    for (Map.Entry<String, String> l : job.getLabelsMap().entrySet()) {
      if (!l.getKey().matches("[a-z][a-z0-9_-]{0,62}") || !l.getValue().matches("[a-z0-9_-]{0,63}")) {
        problems.add("label " + l.getKey() + "=" + l.getValue() + " breaks the label rules (lowercase letters, digits, - and _; at most 63 characters)");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    String modelId = job.getModel().substring(job.getModel().lastIndexOf('/') + 1);
    if (!SERVED.matcher(modelId.replaceFirst("@.*", "")).matches()) {
      throw Status.NOT_FOUND.withDescription("The PublisherModel " + job.getModel() + " does not exist.").asRuntimeException();
    }
  }

  @Override
  public void getBatchPredictionJob(GetBatchPredictionJobRequest request, StreamObserver<BatchPredictionJob> observer) {
    serve(observer, () -> advance(request.getName()).job());
  }

  private JobStore.Entry advance(String name) throws IOException {
    return change(name, e -> e);
  }

  /**
   * Advances the job {@code name} (its project and location included) to now, then applies
   * {@code then}. Whatever breaks while a job advances fails that job with code 13, as Vertex's
   * "System error", instead of leaving every later call on it unanswerable.
   */
  private JobStore.Entry change(String name, JobStore.Change then) throws IOException {
    String id = name.substring(name.lastIndexOf('/') + 1);
    Instant now = time.now();
    return store.update(id, e -> {
      if (!e.job().getName().equals(name)) {
        throw notFound(name);
      }
      JobStore.Entry advanced;
      try {
        advanced = timeline.advance(e, now);
      } catch (IOException | RuntimeException broken) {
        advanced = new JobStore.Entry(e.job().toBuilder().setState(JobState.JOB_STATE_FAILED).setEndTime(Timeline.ts(now))
            .setError(com.google.rpc.Status.newBuilder().setCode(13).setMessage("System error. Please try this operation again."))
            .build(), e.emulated());
      }
      return then.apply(advanced);
    }).orElseThrow(() -> notFound(name));
  }

  private static StatusRuntimeException notFound(String name) {
    return Status.NOT_FOUND.withDescription("BatchPredictionJob " + name + " not found.").asRuntimeException();
  }

  @Override
  public void listBatchPredictionJobs(ListBatchPredictionJobsRequest request, StreamObserver<ListBatchPredictionJobsResponse> observer) {
    serve(observer, () -> {
      Predicate<BatchPredictionJob> filter = ListFilter.parse(request.getFilter());
      List<BatchPredictionJob> matching = new ArrayList<>();
      String prefix = request.getParent() + "/batchPredictionJobs/";
      for (String id : store.ids()) {
        JobStore.Entry entry;
        try {
          entry = store.read(id).orElse(null);
          if (entry == null || !entry.job().getName().startsWith(prefix)) {
            continue;
          }
          entry = advance(entry.job().getName());
        } catch (StatusRuntimeException gone) {
          continue;
        }
        if (filter.test(entry.job())) {
          matching.add(entry.job());
        }
      }
      // Newest first, as Vertex lists them.
      matching.sort(java.util.Comparator.comparing((BatchPredictionJob j) -> Timeline.instant(j.getCreateTime()))
          .thenComparing(BatchPredictionJob::getName).reversed());
      int size = request.getPageSize() > 0 ? Math.min(request.getPageSize(), 1000) : 100;
      int from = PageToken.offset(request.getPageToken(), request.getParent() + "|" + request.getFilter());
      int to = Math.min(matching.size(), from + size);
      ListBatchPredictionJobsResponse.Builder r = ListBatchPredictionJobsResponse.newBuilder()
          .addAllBatchPredictionJobs(matching.subList(Math.min(from, to), to));
      if (to < matching.size()) {
        r.setNextPageToken(PageToken.of(to, request.getParent() + "|" + request.getFilter()));
      }
      return r.build();
    });
  }

  @Override
  public void cancelBatchPredictionJob(CancelBatchPredictionJobRequest request, StreamObserver<Empty> observer) {
    serve(observer, () -> {
      change(request.getName(), advanced -> {
        JobState state = advanced.job().getState();
        if (Timeline.isTerminal(state)) {
          throw Status.FAILED_PRECONDITION.withDescription("Cannot cancel BatchPredictionJob " + request.getName()
              + " because it is in state " + state.name() + ".").asRuntimeException();
        }
        advanced.emulated().cancelRequested = true;
        return new JobStore.Entry(advanced.job().toBuilder().setState(JobState.JOB_STATE_CANCELLING).build(), advanced.emulated());
      });
      return Empty.getDefaultInstance();
    });
  }

  @Override
  public void deleteBatchPredictionJob(DeleteBatchPredictionJobRequest request, StreamObserver<Operation> observer) {
    serve(observer, () -> {
      JobStore.Entry entry = advance(request.getName());
      JobState state = entry.job().getState();
      if (!Timeline.isTerminal(state)) {
        throw Status.FAILED_PRECONDITION.withDescription("BatchPredictionJob " + request.getName() + " is in state "
            + state.name() + "; only a job that has ended can be deleted. Cancel it first.").asRuntimeException();
      }
      String id = request.getName().substring(request.getName().lastIndexOf('/') + 1);
      store.delete(id);
      String location = request.getName().substring(0, request.getName().indexOf("/batchPredictionJobs/"));
      Instant now = time.now();
      DeleteOperationMetadata metadata = DeleteOperationMetadata.newBuilder()
          .setGenericMetadata(com.google.cloud.aiplatform.v1.GenericOperationMetadata.newBuilder()
              .setCreateTime(Timeline.ts(now)).setUpdateTime(Timeline.ts(now)))
          .build();
      return operations.record(Operation.newBuilder().setName(location + "/operations/" + operations.nextId())
          .setDone(true).setMetadata(Any.pack(metadata)).setResponse(Any.pack(Empty.getDefaultInstance())).build());
    });
  }
}
