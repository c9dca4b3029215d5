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
import java.util.stream.Collectors;

/**
 * Turns one line of Vertex's predictions output (or one row of a predictions table, as JSON) into its
 * request key and an outcome: response text to JSON to a value validated against the job's schema,
 * or a failure that says why.
 */
public final class PredictionDecoder {
  private static final ObjectReader STRICT =
      Json.MAPPER.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final ResultSchema schema;
  private final int maxOutputTokens;

  /** A decoder that validates answers against {@code schema}; null takes any answer, JSON or text. */
  public PredictionDecoder(ResultSchema schema, int maxOutputTokens) {
    this.schema = schema;
    this.maxOutputTokens = maxOutputTokens;
  }

  /**
   * A decoded line: the key it belongs to (null when neither its vbatch_key nor its echo can be read),
   * its outcome, and the key its echo hashes to when that differs from its vbatch_key (the
   * cross-check: a key the run does not know, whose echo hashes to one it does, is that request).
   */
  public record Decoded(String key, Outcome outcome, String keyError, String echoKey) {
    public Decoded(String key, Outcome outcome, String keyError) {
      this(key, outcome, keyError, null);
    }
  }

  public Decoded decode(String line) {
    return decode(line.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * Decodes one line given as its UTF-8 bytes, token by token: the echoed request goes straight into
   * a GenerateContentRequest for its key (the job's shared settings are looked up, not read again),
   * and the response into a GenerateContentResponse. No tree of the line is built.
   */
  public Decoded decode(byte[] line) {
    return decode(line, null);
  }

  /**
   * As above; with {@code echoError} set (the echo was read once and could not be), the request is
   * skipped whole and the line is matched by its vbatch_key alone.
   */
  private Decoded decode(byte[] line, String echoError) {
    GenerateContentRequest request = null;
    String passedKey = null;
    String status = "";
    String responseText = null;
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
            if (t == JsonToken.START_OBJECT && echoError == null) {
              GenerateContentRequest.Builder b = GenerateContentRequest.newBuilder();
              try {
                ProtoJson.merge(p, line, b);
                request = b.build();
              } catch (InvalidProtocolBufferException e) {
                return decode(line, "the echoed request cannot be read (" + e.getMessage() + ")");
              }
            } else {
              p.skipChildren();
            }
          }
          case "vbatch_key" -> {
            if (t == JsonToken.VALUE_STRING) {
              passedKey = RequestKey.untagged(p.getText());
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
            } else if (t == JsonToken.VALUE_STRING) {
              // A predictions table may hold a failed row's error text in its response column.
              responseText = p.getText();
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
    // The key written beside the request, which the importer cannot alter, names the request first;
    // the echo, re-serialized by Vertex, is the fallback for lines staged without it.
    String echoed = request != null ? RequestKey.of(request) : null;
    String key = passedKey != null ? passedKey : echoed;
    String other = echoed != null && !echoed.equals(key) ? echoed : null;
    if (key == null) {
      return new Decoded(null, null, echoError != null ? echoError + " and the line has no vbatch_key"
          : "the line has no vbatch_key and no echoed 'request'");
    }
    if (status.isBlank() && responseText != null && !responseText.isBlank()) {
      status = responseText;
    }
    if (!status.isBlank()) {
      return new Decoded(key, RowError.of(status).outcome(), null, other);
    }
    if (responseStart < 0 || responseEmpty) {
      return new Decoded(key, Outcome.failed("empty-response", "the prediction has no response and no error status", Usage.NONE), null, other);
    }
    GenerateContentResponse.Builder b = GenerateContentResponse.newBuilder();
    try (JsonParser p = Json.MAPPER.createParser(line, responseStart, responseEnd - responseStart)) {
      p.nextToken();
      ProtoJson.merge(p, null, b);
    } catch (java.io.IOException e) {
      return new Decoded(key, Outcome.failed("invalid-response", "the response cannot be read as a GenerateContentResponse: "
          + e.getMessage(), Usage.NONE), null, other);
    }
    GenerateContentResponse response = b.build();
    // A finishReason newer than this proto reads as unspecified: only then is its name looked up in the bytes.
    boolean unnamed = response.getCandidatesCount() > 0
        && (response.getCandidates(0).getFinishReason() == Candidate.FinishReason.FINISH_REASON_UNSPECIFIED
            || response.getCandidates(0).getFinishReason() == Candidate.FinishReason.UNRECOGNIZED);
    return new Decoded(key, outcome(response, unnamed ? FinishReasons.named(line, responseStart, responseEnd) : null), null, other);
  }

  /** The outcome of one response, whether it came from a batch job's output or an online call. */
  public Outcome outcome(GenerateContentResponse response) {
    return outcome(response, null);
  }

  /**
   * As above; {@code finishName} is the finishReason as written, for values newer than this proto
   * (IMAGE_SAFETY), which it reads as unspecified.
   */
  Outcome outcome(GenerateContentResponse response, String finishName) {
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
    String finishText = finish == Candidate.FinishReason.FINISH_REASON_UNSPECIFIED || finish == Candidate.FinishReason.UNRECOGNIZED
        ? (finishName == null ? finish.name() : finishName) : finish.name();
    if (FinishReasons.isBlock(finishText)) {
      return Outcome.failed("blocked", "the response was blocked (finishReason " + finishText + ")"
          + blockedCategories(candidate.getSafetyRatingsList()) + "; review the input or generation.safety", usage);
    }
    String raw = candidate.getContent().getPartsList().stream()
        .filter(p -> !p.getThought()).map(Part::getText).collect(Collectors.joining());
    String text = FinishReasons.unfenced(raw.strip());
    if (text.isEmpty()) {
      return Outcome.failed(FinishReasons.isToolCall(finishText) ? "tool-call" : "empty-response",
          "the response has no text (finishReason " + finishText + FinishReasons.meaning(finishText) + ")", usage);
    }
    JsonNode data;
    try {
      data = STRICT.readValue(text);
    } catch (JsonProcessingException e) {
      if (schema == null && finish != Candidate.FinishReason.MAX_TOKENS) {
        // No schema to hold it to (a job made elsewhere, fetched without --schema): the answer is text.
        return Outcome.succeeded(com.fasterxml.jackson.databind.node.TextNode.valueOf(raw.strip()), usage);
      }
      if (finish == Candidate.FinishReason.MAX_TOKENS) {
        return Outcome.failed("truncated", "the JSON stops after " + text.length() + " characters because the output hit "
            + (maxOutputTokens > 0 ? "maxOutputTokens (" + maxOutputTokens + ")" : "the model's output limit")
            + "; raise generation.maxOutputTokens or ask for less", usage).withAnswer(raw);
      }
      return Outcome.failed("invalid-json", "the response text is not valid JSON (" + e.getOriginalMessage()
          + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"
          + (FinishReasons.isKnown(finishText) ? "" : "; finishReason " + finishText + " is not one vbatch knows"), usage)
          .withAnswer(raw);
    }
    if (schema == null) {
      return Outcome.succeeded(data, usage);
    }
    data = schema.restoreNames(data);
    List<ResultSchema.Violation> violations = schema.validate(data);
    if (!violations.isEmpty()) {
      String shown = violations.stream().limit(3).map(ResultSchema.Violation::toString).collect(Collectors.joining("; "));
      return Outcome.failed("schema-violation", "the JSON does not match the schema at " + shown
          + (violations.size() > 3 ? " (and " + (violations.size() - 3) + " more)" : ""), usage).withAnswer(raw);
    }
    return Outcome.succeeded(data, usage);
  }

  private static String blockedCategories(List<SafetyRating> ratings) {
    String blocked = ratings.stream().filter(SafetyRating::getBlocked)
        .map(r -> r.getCategory().name()).collect(Collectors.joining(", "));
    return blocked.isEmpty() ? "" : " in " + blocked;
  }

  /** Usage as billed; a total that is absent (some real rows lack it) is the sum of its parts. */
  private static Usage usage(GenerateContentResponse r) {
    var u = r.getUsageMetadata();
    // This proto has no toolUsePromptTokenCount, only its details per modality.
    long toolUse = u.getToolUsePromptTokensDetailsList().stream().mapToLong(d -> d.getTokenCount()).sum();
    long total = u.getTotalTokenCount();
    if (total == 0) {
      total = (long) u.getPromptTokenCount() + u.getCandidatesTokenCount() + u.getThoughtsTokenCount() + toolUse;
    }
    return new Usage(u.getPromptTokenCount(), u.getCandidatesTokenCount(), u.getThoughtsTokenCount(), total,
        u.getCachedContentTokenCount(), toolUse);
  }

}
