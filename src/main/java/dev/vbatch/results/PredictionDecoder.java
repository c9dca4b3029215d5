package dev.vbatch.results;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.google.cloud.aiplatform.v1.Candidate;
import com.google.cloud.aiplatform.v1.GenerateContentRequest;
import com.google.cloud.aiplatform.v1.GenerateContentResponse;
import com.google.cloud.aiplatform.v1.Part;
import com.google.cloud.aiplatform.v1.SafetyRating;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.vbatch.request.RequestKey;
import dev.vbatch.spec.ResultSchema;
import dev.vbatch.util.Json;
import dev.vbatch.util.ProtoJson;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns one line of Vertex's predictions output (or one row of a predictions table, as JSON) into its
 * request key and an outcome: response text to JSON to a value validated against the job's schema,
 * or a failure that says why.
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
    return decode(line.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * Decodes one line given as its UTF-8 bytes, token by token: the echoed request goes straight into
   * a GenerateContentRequest for its key (the job's shared settings are looked up, not read again),
   * and the response into a GenerateContentResponse. No tree of the line is built.
   */
  public Decoded decode(byte[] line) {
    GenerateContentRequest request = null;
    String passedKey = null;
    String status = "";
    int responseStart = -1;
    int responseEnd = -1;
    boolean responseEmpty = true;
    try (JsonParser p = Json.MAPPER.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return new Decoded(null, null, "the line is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (name) {
          case "request" -> {
            if (t == JsonToken.START_OBJECT) {
              GenerateContentRequest.Builder b = GenerateContentRequest.newBuilder();
              try {
                ProtoJson.merge(p, line, b);
              } catch (InvalidProtocolBufferException e) {
                return new Decoded(null, null, "the echoed request cannot be read: " + e.getMessage());
              }
              request = b.build();
            } else {
              p.skipChildren();
            }
          }
          case "vbatch_key" -> {
            if (t == JsonToken.VALUE_STRING) {
              passedKey = p.getText();
            } else {
              p.skipChildren();
            }
          }
          case "status" -> {
            if (t == JsonToken.VALUE_STRING) {
              status = p.getText();
            } else {
              p.skipChildren();
            }
          }
          case "response" -> {
            if (t == JsonToken.START_OBJECT) {
              responseStart = (int) p.currentTokenLocation().getByteOffset();
              JsonToken field = p.nextToken();
              responseEmpty = field == JsonToken.END_OBJECT;
              while (field == JsonToken.FIELD_NAME) {
                p.nextToken();
                p.skipChildren();
                field = p.nextToken();
              }
              responseEnd = (int) p.currentLocation().getByteOffset();
            } else {
              p.skipChildren();
            }
          }
          default -> p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        return new Decoded(null, null, "the line is not JSON: more follows the object");
      }
    } catch (JsonProcessingException e) {
      return new Decoded(null, null, "the line is not JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      return new Decoded(null, null, "the line cannot be read: " + e.getMessage());
    }
    if (request == null && passedKey == null) {
      return new Decoded(null, null, "the line has no echoed 'request'");
    }
    // A request table's key column, passed through to the predictions table, names the request even
    // where the echo is missing; the echo, when present, is what the key is computed from.
    String key = request != null ? RequestKey.of(request) : passedKey;
    if (!status.isBlank()) {
      return new Decoded(key, Outcome.failed("request-error", "Vertex reported: " + clip(status, 600), Usage.NONE), null);
    }
    if (responseStart < 0 || responseEmpty) {
      return new Decoded(key, Outcome.failed("empty-response", "the prediction has no response and no error status", Usage.NONE), null);
    }
    GenerateContentResponse.Builder b = GenerateContentResponse.newBuilder();
    try (JsonParser p = Json.MAPPER.createParser(line, responseStart, responseEnd - responseStart)) {
      p.nextToken();
      ProtoJson.merge(p, null, b);
    } catch (java.io.IOException e) {
      return new Decoded(key, Outcome.failed("invalid-response", "the response cannot be read as a GenerateContentResponse: "
          + e.getMessage(), Usage.NONE), null);
    }
    return new Decoded(key, outcome(b.build()), null);
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
