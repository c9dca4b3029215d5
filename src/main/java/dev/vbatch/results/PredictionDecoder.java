package dev.vbatch.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.google.cloud.aiplatform.v1.Candidate;
import com.google.cloud.aiplatform.v1.GenerateContentResponse;
import com.google.cloud.aiplatform.v1.Part;
import com.google.cloud.aiplatform.v1.SafetyRating;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.vbatch.request.RequestKey;
import dev.vbatch.spec.ResultSchema;
import dev.vbatch.util.Json;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns one line of Vertex's predictions output into its request key and an outcome: response text
 * to JSON to a value validated against the job's schema, or a failure that says why.
 */
public final class PredictionDecoder {
  private static final ObjectReader STRICT =
      Json.MAPPER.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final Set<Candidate.FinishReason> BLOCKED =
      Set.of(Candidate.FinishReason.SAFETY, Candidate.FinishReason.BLOCKLIST,
          Candidate.FinishReason.PROHIBITED_CONTENT, Candidate.FinishReason.SPII,
          Candidate.FinishReason.RECITATION, Candidate.FinishReason.MODEL_ARMOR);

  private final ResultSchema schema;
  private final int maxOutputTokens;

  public PredictionDecoder(ResultSchema schema, int maxOutputTokens) {
    this.schema = schema;
    this.maxOutputTokens = maxOutputTokens;
  }

  /** A decoded line: the key it belongs to (null when the echo cannot be read) and its outcome. */
  public record Decoded(String key, Outcome outcome, String keyError) {}

  public Decoded decode(String line) {
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      return new Decoded(null, null, "the line is not JSON: " + e.getOriginalMessage());
    }
    JsonNode request = node.get("request");
    if (request == null || !request.isObject()) {
      return new Decoded(null, null, "the line has no echoed 'request'");
    }
    String key;
    try {
      key = RequestKey.ofEcho(request);
    } catch (InvalidProtocolBufferException e) {
      return new Decoded(null, null, "the echoed request cannot be read: " + e.getMessage());
    }
    return new Decoded(key, outcome(node), null);
  }

  Outcome outcome(JsonNode line) {
    String status = line.path("status").asText("");
    JsonNode responseNode = line.get("response");
    if (!status.isBlank()) {
      return Outcome.failed("request-error", "Vertex reported: " + clip(status, 600), Usage.NONE);
    }
    if (responseNode == null || responseNode.isNull() || responseNode.isEmpty()) {
      return Outcome.failed("empty-response", "the prediction has no response and no error status", Usage.NONE);
    }
    GenerateContentResponse response;
    try {
      GenerateContentResponse.Builder b = GenerateContentResponse.newBuilder();
      dev.vbatch.util.ProtoJson.merge(responseNode, b);
      response = b.build();
    } catch (InvalidProtocolBufferException e) {
      return Outcome.failed("invalid-response", "the response cannot be read as a GenerateContentResponse: " + e.getMessage(), Usage.NONE);
    }
    return outcome(response);
  }

  /** The outcome of one response, whether it came from a batch job's output or an online call. */
  public Outcome outcome(GenerateContentResponse response) {
    Usage usage = usage(response);
    if (response.hasPromptFeedback()
        && response.getPromptFeedback().getBlockReason() != GenerateContentResponse.PromptFeedback.BlockedReason.BLOCKED_REASON_UNSPECIFIED) {
      var fb = response.getPromptFeedback();
      return Outcome.failed("blocked", "the prompt was blocked (" + fb.getBlockReason() + ")"
          + (fb.getBlockReasonMessage().isEmpty() ? "" : ": " + fb.getBlockReasonMessage())
          + blockedCategories(fb.getSafetyRatingsList()) + "; review the input or generation.safety", usage);
    }
    if (response.getCandidatesCount() == 0) {
      return Outcome.failed("empty-response", "the response has no candidates", usage);
    }
    Candidate candidate = response.getCandidates(0);
    Candidate.FinishReason finish = candidate.getFinishReason();
    if (BLOCKED.contains(finish)) {
      return Outcome.failed("blocked", "the response was blocked (finishReason " + finish + ")"
          + blockedCategories(candidate.getSafetyRatingsList()) + "; review the input or generation.safety", usage);
    }
    String text = candidate.getContent().getPartsList().stream()
        .filter(p -> !p.getThought()).map(Part::getText).collect(Collectors.joining()).strip();
    if (text.isEmpty()) {
      return Outcome.failed("empty-response", "the response has no text (finishReason " + finish + ")", usage);
    }
    JsonNode data;
    try {
      data = STRICT.readValue(text);
    } catch (JsonProcessingException e) {
      if (finish == Candidate.FinishReason.MAX_TOKENS) {
        return Outcome.failed("truncated", "the JSON stops after " + text.length() + " characters because the output hit "
            + (maxOutputTokens > 0 ? "maxOutputTokens (" + maxOutputTokens + ")" : "the model's output limit")
            + "; raise generation.maxOutputTokens or ask for less", usage);
      }
      return Outcome.failed("invalid-json", "the response text is not valid JSON (" + e.getOriginalMessage()
          + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + "): " + clip(text, 200), usage);
    }
    List<ResultSchema.Violation> violations = schema.validate(data);
    if (!violations.isEmpty()) {
      String shown = violations.stream().limit(3).map(ResultSchema.Violation::toString).collect(Collectors.joining("; "));
      return Outcome.failed("schema-violation", "the JSON does not match the schema at " + shown
          + (violations.size() > 3 ? " (and " + (violations.size() - 3) + " more)" : ""), usage);
    }
    return Outcome.succeeded(data, usage);
  }

  private static String blockedCategories(List<SafetyRating> ratings) {
    String blocked = ratings.stream().filter(SafetyRating::getBlocked)
        .map(r -> r.getCategory().name()).collect(Collectors.joining(", "));
    return blocked.isEmpty() ? "" : " in " + blocked;
  }

  private static Usage usage(GenerateContentResponse r) {
    var u = r.getUsageMetadata();
    return new Usage(u.getPromptTokenCount(), u.getCandidatesTokenCount(), u.getThoughtsTokenCount(), u.getTotalTokenCount());
  }

  private static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "…";
  }
}
