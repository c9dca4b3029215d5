package dev.vbatch.vertex;

import com.google.cloud.aiplatform.v1.GenerateContentRequest;
import com.google.cloud.aiplatform.v1.GenerateContentResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A model called online: one generateContent call per request, without waiting for a thread. The
 * future fails with {@link CallFailure} when the call does.
 */
public interface OnlineModel extends AutoCloseable {
  /** Sends {@code request} (its model field is set by the adapter). */
  CompletableFuture<GenerateContentResponse> generate(GenerateContentRequest request);

  @Override
  void close();

  /**
   * A failed call: the gRPC status name, a message that says what to do (for errors the user must
   * fix, naming the role or setting), and the delay the server asked for before a retry, if any.
   */
  final class CallFailure extends RuntimeException {
    private final String code;
    private final Duration retryDelay;

    public CallFailure(String code, String message, Duration retryDelay) {
      super(message, null, false, false);
      this.code = code;
      this.retryDelay = retryDelay;
    }

    public String code() {
      return code;
    }

    public Optional<Duration> retryDelay() {
      return Optional.ofNullable(retryDelay);
    }
  }
}
