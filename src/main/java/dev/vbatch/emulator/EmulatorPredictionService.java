package dev.vbatch.emulator;

import com.google.cloud.aiplatform.v1.CountTokensRequest;
import com.google.cloud.aiplatform.v1.CountTokensResponse;
import com.google.cloud.aiplatform.v1.GenerateContentRequest;
import com.google.cloud.aiplatform.v1.GenerateContentResponse;
import com.google.cloud.aiplatform.v1.LlmUtilityServiceGrpc;
import com.google.cloud.aiplatform.v1.PredictionServiceGrpc;
import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import dev.vbatch.request.RequestKey;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * PredictionService's generateContent (and countTokens), as the emulator serves them: the batch
 * path's model and row faults, decided per request and call (the n-th call of a request gets its
 * own draw, as a retry on Vertex would), the transient fault as UNAVAILABLE or RESOURCE_EXHAUSTED
 * with a retry delay, and a latency taken from a timer, not a sleeping thread. It counts the calls
 * each request received, so tests can tell whether anything was sent twice.
 */
final class EmulatorPredictionService extends PredictionServiceGrpc.PredictionServiceImplBase {
  /** The retry delay a RESOURCE_EXHAUSTED answer asks for. */
  static final Duration RETRY_DELAY = Duration.ofMillis(200);
  private static final Pattern MODEL = Pattern.compile("projects/[^/]+/locations/[^/]+/publishers/google/models/[^/]+");

  private final EmulatedModel model;
  private final Faults faults;
  private final EmulatorConfig config;
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  /** The smallest prefix implicit caching serves (Gemini 2.5 Flash: 1,024 tokens). */
  static final int MIN_CACHED_TOKENS = 1024;
  private final java.util.Set<String> prefixes = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer;

  EmulatorPredictionService(EmulatedModel model, Faults faults, EmulatorConfig config) {
    this.model = model;
    this.faults = faults;
    this.config = config;
    this.timer = Executors.newScheduledThreadPool(1, r -> {
      Thread t = new Thread(r, "emulator-latency");
      t.setDaemon(true);
      return t;
    });
  }

  /** Calls received so far, by request key. */
  Map<String, Integer> callsByKey() {
    Map<String, Integer> out = new java.util.HashMap<>();
    calls.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  @Override
  public void streamGenerateContent(GenerateContentRequest request, StreamObserver<GenerateContentResponse> observer) {
    // The whole answer as one chunk: a stream of one is what a short answer comes as.
    generateContent(request, observer);
  }

  /** Why Vertex would refuse {@code request} before answering it, or null. */
  private static RuntimeException refusal(GenerateContentRequest request) {
    String model = request.getModel();
    if (!MODEL.matcher(model).matches()) {
      return Status.INVALID_ARGUMENT.withDescription("model must be projects/P/locations/L/publishers/google/"
          + "models/M, got '" + model + "'").asRuntimeException();
    }
    String id = model.substring(model.lastIndexOf('/') + 1);
    if (!EmulatorJobService.SERVED.matcher(id.replaceFirst("@.*", "")).matches()) {
      return Status.NOT_FOUND.withDescription("Publisher Model `" + model + "` was not found or your project does not"
          + " have access to it.").asRuntimeException();
    }
    if (request.getContentsCount() == 0) {
      return Status.INVALID_ARGUMENT.withDescription("Unable to submit request because it has an empty contents field.")
          .asRuntimeException();
    }
    return null;
  }

  @Override
  public void generateContent(GenerateContentRequest request, StreamObserver<GenerateContentResponse> observer) {
    RuntimeException refused = refusal(request);
    if (refused != null) {
      observer.onError(refused);
      return;
    }
    GenerateContentRequest asBuilt = request.toBuilder().clearModel().build();
    String key = RequestKey.of(asBuilt);
    int call = calls.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    String drawKey = EmulatedModel.subjectKey(asBuilt);
    String subject = drawKey + "/online-" + call;
    Runnable answer;
    if (faults.hits("transient", subject)) {
      answer = () -> observer.onError(transientError(subject));
    } else {
      String modelId = request.getModel().substring(request.getModel().lastIndexOf('/') + 1);
      EmulatedModel.Answer a = model.answer(asBuilt, drawKey, subject, modelId + " (vbatch emulator)",
          java.time.Instant.now(), cachedTokens(asBuilt));
      answer = a.response() != null
          ? () -> {
            observer.onNext(a.response());
            observer.onCompleted();
          }
          : () -> observer.onError(Status.INVALID_ARGUMENT.withDescription(a.failure().message()).asRuntimeException());
    }
    long delay = latencyNanos();
    if (delay <= 0) {
      answer.run();
    } else {
      timer.schedule(answer, delay, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Implicit caching as Vertex does it online: a system instruction of at least {@link
   * #MIN_CACHED_TOKENS} tokens that an earlier call sent already is served from the cache. (In batch,
   * cache hits are unconfirmed, so the batch path reports none.)
   */
  private int cachedTokens(GenerateContentRequest request) {
    int tokens = Responder.systemTokens(request);
    if (!request.hasSystemInstruction() || tokens < MIN_CACHED_TOKENS) {
      return 0;
    }
    String prefix = RequestKey.of(GenerateContentRequest.newBuilder().setSystemInstruction(request.getSystemInstruction()).build());
    return prefixes.add(prefix) ? 0 : tokens;
  }

  private long latencyNanos() {
    long mean = config.latency().toNanos();
    long spread = config.latencySpread().toNanos();
    return spread <= 0 ? mean : mean - spread + ThreadLocalRandom.current().nextLong(2 * spread + 1);
  }

  private RuntimeException transientError(String subject) {
    if (Faults.unit("kind/" + subject) < 0.5) {
      return Status.UNAVAILABLE.withDescription("The service is currently unavailable.").asRuntimeException();
    }
    com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
        .setCode(Code.RESOURCE_EXHAUSTED_VALUE)
        .setMessage("Resource exhausted. Please try again later. (emulated)")
        .addDetails(Any.pack(RetryInfo.newBuilder()
            .setRetryDelay(com.google.protobuf.Duration.newBuilder().setNanos((int) RETRY_DELAY.toNanos())).build()))
        .build();
    return StatusProto.toStatusRuntimeException(status);
  }

  void close() {
    timer.shutdownNow();
  }

  /** countTokens, which Vertex's v1 API serves from LlmUtilityService, counted as the model reads the request. */
  LlmUtility utility() {
    return new LlmUtility();
  }

  final class LlmUtility extends LlmUtilityServiceGrpc.LlmUtilityServiceImplBase {
    /** computeTokens: each text part's tokens as the emulator counts them (about four characters a token). */
    @Override
    public void computeTokens(com.google.cloud.aiplatform.v1.ComputeTokensRequest request,
        StreamObserver<com.google.cloud.aiplatform.v1.ComputeTokensResponse> observer) {
      if (request.getContentsCount() == 0) {
        observer.onError(Status.INVALID_ARGUMENT.withDescription("Unable to submit request because it has an empty"
            + " contents field.").asRuntimeException());
        return;
      }
      var response = com.google.cloud.aiplatform.v1.ComputeTokensResponse.newBuilder();
      for (var content : request.getContentsList()) {
        var info = com.google.cloud.aiplatform.v1.TokensInfo.newBuilder().setRole(content.getRole());
        for (var part : content.getPartsList()) {
          String text = part.getText();
          for (int i = 0; i < text.length(); i += 4) {
            String piece = text.substring(i, Math.min(text.length(), i + 4));
            info.addTokens(com.google.protobuf.ByteString.copyFromUtf8(piece)).addTokenIds(piece.hashCode() & 0x7fffffff);
          }
        }
        response.addTokensInfo(info);
      }
      observer.onNext(response.build());
      observer.onCompleted();
    }

    @Override
    public void countTokens(CountTokensRequest request, StreamObserver<CountTokensResponse> observer) {
      GenerateContentRequest asRequest = GenerateContentRequest.newBuilder().addAllContents(request.getContentsList())
          .setSystemInstruction(request.getSystemInstruction()).build();
      try {
        long tokens = model.countTokens(asRequest);
        observer.onNext(CountTokensResponse.newBuilder().setTotalTokens((int) tokens).build());
        observer.onCompleted();
      } catch (IOException | RuntimeException e) {
        observer.onError(Status.INVALID_ARGUMENT.withDescription("Cannot fetch content from the provided URL: "
            + e.getMessage()).asRuntimeException());
      }
    }
  }
}

