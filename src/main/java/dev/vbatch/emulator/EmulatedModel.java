package dev.vbatch.emulator;

import com.google.cloud.aiplatform.v1.Candidate;
import com.google.cloud.aiplatform.v1.GenerateContentRequest;
import com.google.cloud.aiplatform.v1.GenerateContentResponse;
import com.google.cloud.aiplatform.v1.Part;
import com.google.cloud.aiplatform.v1.SafetyRating;
import java.io.IOException;

/**
 * One request answered the way both the batch timeline and the online service answer it: the
 * responder's answer, or the row fault that hits this request (an error, a blocked, malformed or
 * truncated answer). Whether a fault hits depends on the seed and {@code subject} only; callers
 * build subjects from {@link #subjectKey}.
 */
final class EmulatedModel {
  /**
   * An answer: a response, or why the row failed. {@code finishReason}, when
   * set, is written in place of the response's (for values this proto version lacks, such as
   * IMAGE_SAFETY); {@code withoutTotal} leaves totalTokenCount out, as some real rows do.
   */
  record Answer(GenerateContentResponse response, RowFailure failure, String finishReason, boolean withoutTotal) {
    Answer(GenerateContentResponse response) {
      this(response, null, null, false);
    }

    Answer(RowFailure failure) {
      this(null, failure, null, false);
    }

    /** The response as Vertex writes it in a predictions line: camelCase, keys sorted. */
    com.fasterxml.jackson.databind.JsonNode json() {
      try {
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) dev.vbatch.util.Json.read(
            com.google.protobuf.util.JsonFormat.printer().print(response));
        if (finishReason != null) {
          ((com.fasterxml.jackson.databind.node.ObjectNode) node.withArray("candidates").get(0)).put("finishReason", finishReason);
        }
        if (withoutTotal) {
          ((com.fasterxml.jackson.databind.node.ObjectNode) node.get("usageMetadata")).remove("totalTokenCount");
        }
        return Echo.sorted(node);
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
    }
  }

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
  Answer answer(GenerateContentRequest request, String key, String subject, String modelVersion, java.time.Instant now) {
    return answer(request, key, subject, modelVersion, now, 0);
  }

  /** As above, {@code cachedTokens} of the prompt served from the implicit cache. */
  Answer answer(GenerateContentRequest request, String key, String subject, String modelVersion, java.time.Instant now,
      int cachedTokens) {
    if (faults.hits("row-error", subject)) {
      // A row error worth retrying, as quota and server errors are (a 400 is its own fault).
      return new Answer(Faults.unit("code/" + subject) < 0.5
          ? new RowFailure(429, "RESOURCE_EXHAUSTED", "Resource exhausted. Please try again later. Please refer to"
              + " https://cloud.google.com/vertex-ai/generative-ai/docs/error-code-429 for more details.")
          : new RowFailure(500, "INTERNAL", "Internal error encountered."));
    }
    if (faults.hits("invalid-request", subject)) {
      return new Answer(RowFailure.badRequest("Please use a valid role: user, model."));
    }
    Responder.Reading reading;
    try {
      reading = responder.read(request);
    } catch (IOException | RuntimeException e) {
      return new Answer(RowFailure.badRequest("Cannot fetch content from the provided URL: " + e.getMessage()));
    }
    Responder.Meta meta = new Responder.Meta(modelVersion, now, subject,
        request.getGenerationConfig().getThinkingConfig().getThinkingBudget(), cachedTokens);
    if (faults.hits("blocked", subject)) {
      return blocked(Faults.unit("block/" + subject), reading.promptTokens(), meta);
    }
    GenerateContentResponse response = responder.respond(request, reading, meta, key);
    String text = response.getCandidates(0).getContent().getParts(0).getText();
    Candidate.FinishReason finish = Candidate.FinishReason.STOP;
    if (faults.hits("malformed-json", subject)) {
      text = "Here is the extracted data:\n" + text.replaceFirst("\"", "");
    } else if (faults.hits("truncated-json", subject)) {
      text = text.substring(0, Math.max(1, text.length() / 2));
      finish = Candidate.FinishReason.MAX_TOKENS;
    } else if (faults.hits("empty-stop", subject)) {
      text = "";
    }
    response = Responder.response(parts(text, subject), finish, reading.promptTokens(), meta);
    return new Answer(response, null, null, faults.hits("no-total-tokens", subject));
  }

  /** The answer's parts: thought parts first and the text split over several parts, where those variants hit. */
  private java.util.List<Part> parts(String text, String subject) {
    java.util.List<Part> parts = new java.util.ArrayList<>();
    if (faults.hits("thought-parts", subject)) {
      parts.add(Part.newBuilder().setThought(true).setText("**Reading the document**\n\nI look for each field.").build());
    }
    if (faults.hits("split-answer", subject) && text.length() > 2) {
      int cut = text.length() / 2;
      parts.add(Part.newBuilder().setText(text.substring(0, cut)).build());
      parts.add(Part.newBuilder().setText(text.substring(cut)).build());
    } else {
      parts.add(Part.newBuilder().setText(text).build());
    }
    return parts;
  }

  /** The block kinds Vertex reports: a prompt blockReason with no candidates, or a candidate's finishReason. */
  private static Answer blocked(double u, long promptTokens, Responder.Meta meta) {
    GenerateContentResponse.Builder r = GenerateContentResponse.newBuilder().setModelVersion(meta.modelVersion())
        .setResponseId(Responder.responseId(meta.subject())).setCreateTime(Timeline.ts(meta.now()))
        .setUsageMetadata(GenerateContentResponse.UsageMetadata.newBuilder()
            .setPromptTokenCount((int) promptTokens).setTotalTokenCount((int) promptTokens)
            .setTrafficType(GenerateContentResponse.UsageMetadata.TrafficType.ON_DEMAND));
    SafetyRating rating = SafetyRating.newBuilder()
        .setCategory(com.google.cloud.aiplatform.v1.HarmCategory.HARM_CATEGORY_DANGEROUS_CONTENT)
        .setProbability(SafetyRating.HarmProbability.HIGH).setBlocked(true).build();
    int kind = (int) (u * 5);
    if (kind == 0) {
      r.setPromptFeedback(GenerateContentResponse.PromptFeedback.newBuilder()
          .setBlockReason(GenerateContentResponse.PromptFeedback.BlockedReason.SAFETY)
          .setBlockReasonMessage("The prompt was blocked due to safety.").addSafetyRatings(rating));
      return new Answer(r.build());
    }
    Candidate.FinishReason[] reasons = {Candidate.FinishReason.SAFETY, Candidate.FinishReason.PROHIBITED_CONTENT,
        Candidate.FinishReason.MODEL_ARMOR, Candidate.FinishReason.SAFETY};
    Candidate.Builder c = Candidate.newBuilder().setFinishReason(reasons[kind - 1]);
    if (kind == 1) {
      c.addSafetyRatings(rating);
    }
    r.addCandidates(c);
    // The last kind is IMAGE_SAFETY, a finishReason newer than this proto: written by name in a
    // predictions line; an online answer says SAFETY.
    return new Answer(r.build(), null, kind == 4 ? "IMAGE_SAFETY" : null, false);
  }
}
