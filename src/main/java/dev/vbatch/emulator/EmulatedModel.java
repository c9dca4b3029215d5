package dev.vbatch.emulator;

import com.google.cloud.aiplatform.v1.Candidate;
import com.google.cloud.aiplatform.v1.GenerateContentRequest;
import com.google.cloud.aiplatform.v1.GenerateContentResponse;
import com.google.cloud.aiplatform.v1.SafetyRating;
import java.io.IOException;

/**
 * One request answered the way both the batch timeline and the online service answer it: the
 * responder's answer, or the row fault that hits this request (an error, a blocked, malformed or
 * truncated answer). Whether a fault hits depends on the seed and {@code subject} only; callers
 * build subjects from {@link #subjectKey}.
 */
final class EmulatedModel {
  /** An answer: a response, or an INVALID_ARGUMENT error with its message. */
  record Answer(GenerateContentResponse response, String invalidArgument) {}

  private final Responder responder;
  private final Faults faults;

  EmulatedModel(Responder responder, Faults faults) {
    this.responder = responder;
    this.faults = faults;
  }

  /**
   * What faults and placeholder values are drawn from: the request's key with each file referred to
   * by its name only. Staged files are named by their content, so this depends on the content and not
   * on where the files were staged (a test's temporary directory, a bucket): a seeded run draws the
   * same faults wherever it runs.
   */
  static String subjectKey(GenerateContentRequest request) {
    GenerateContentRequest.Builder b = request.toBuilder();
    for (com.google.cloud.aiplatform.v1.Content.Builder c : b.getContentsBuilderList()) {
      for (com.google.cloud.aiplatform.v1.Part.Builder p : c.getPartsBuilderList()) {
        if (p.hasFileData()) {
          String uri = p.getFileData().getFileUri();
          p.getFileDataBuilder().setFileUri(uri.substring(uri.lastIndexOf('/') + 1));
        }
      }
    }
    return dev.vbatch.request.RequestKey.of(b.build());
  }

  /** Counts the request's prompt tokens as the model reads them (files included). */
  long countTokens(GenerateContentRequest request) throws IOException {
    return responder.read(request).promptTokens();
  }

  /**
   * Answers {@code request}; {@code key} salts placeholder values (the same request gets the same
   * answer anywhere), {@code subject} decides the faults (key plus job sequence, or key plus call).
   */
  Answer answer(GenerateContentRequest request, String key, String subject, String modelVersion) {
    if (faults.hits("row-error", subject)) {
      return new Answer(null, "Request contains an invalid argument.");
    }
    Responder.Reading reading;
    try {
      reading = responder.read(request);
    } catch (IOException | RuntimeException e) {
      return new Answer(null, "Cannot fetch content from the provided URL: " + e.getMessage());
    }
    int thinking = request.getGenerationConfig().getThinkingConfig().getThinkingBudget();
    if (faults.hits("blocked", subject)) {
      return new Answer(blocked(Faults.unit(subject) < 0.5, reading.promptTokens(), modelVersion), null);
    }
    GenerateContentResponse response = responder.respond(request, reading, modelVersion, key);
    String text = response.getCandidates(0).getContent().getParts(0).getText();
    if (faults.hits("malformed-json", subject)) {
      response = Responder.response("Here is the extracted data:\n" + text.replaceFirst("\"", ""),
          Candidate.FinishReason.STOP, reading.promptTokens(), modelVersion, thinking);
    } else if (faults.hits("truncated-json", subject)) {
      response = Responder.response(text.substring(0, Math.max(1, text.length() / 2)),
          Candidate.FinishReason.MAX_TOKENS, reading.promptTokens(), modelVersion, thinking);
    }
    return new Answer(response, null);
  }

  private static GenerateContentResponse blocked(boolean prompt, long promptTokens, String modelVersion) {
    GenerateContentResponse.Builder r = GenerateContentResponse.newBuilder().setModelVersion(modelVersion)
        .setUsageMetadata(GenerateContentResponse.UsageMetadata.newBuilder()
            .setPromptTokenCount((int) promptTokens).setTotalTokenCount((int) promptTokens));
    SafetyRating rating = SafetyRating.newBuilder()
        .setCategory(com.google.cloud.aiplatform.v1.HarmCategory.HARM_CATEGORY_DANGEROUS_CONTENT)
        .setProbability(SafetyRating.HarmProbability.HIGH).setBlocked(true).build();
    if (prompt) {
      r.setPromptFeedback(GenerateContentResponse.PromptFeedback.newBuilder()
          .setBlockReason(GenerateContentResponse.PromptFeedback.BlockedReason.SAFETY)
          .setBlockReasonMessage("The prompt was blocked due to safety.").addSafetyRatings(rating));
    } else {
      r.addCandidates(Candidate.newBuilder().setFinishReason(Candidate.FinishReason.SAFETY).addSafetyRatings(rating));
    }
    return r.build();
  }
}
