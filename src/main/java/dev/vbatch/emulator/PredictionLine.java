package dev.vbatch.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.aiplatform.v1.GenerateContentRequest;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.vbatch.util.Json;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;

/**
 * One input line made into one predictions line, as Vertex writes it: {@code status},
 * {@code processed_time}, the echoed {@code request}, the line's other keys, and {@code response};
 * a line that is not JSON, has no request, or holds something that is not a GenerateContentRequest
 * is a failed row with a 400 status and no response, never an error of the job.
 */
final class PredictionLine {
  private static final DateTimeFormatter PROCESSED_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx").withZone(ZoneOffset.UTC);
  private static final JsonFormat.Parser STRICT = JsonFormat.parser();

  private PredictionLine() {}

  /** The predictions line of one input line, answered by {@code model}. */
  static ObjectNode of(EmulatedModel model, String input, Set<String> partKeys, String modelVersion, Instant now,
      long sequence) {
    ObjectNode siblings = Json.object();
    JsonNode inputLine;
    try {
      inputLine = Json.MAPPER.readTree(input);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return failedRow(siblings, now, null, "Invalid JSON payload received. " + e.getOriginalMessage()
          + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ").");
    }
    if (!inputLine.isObject()) {
      return failedRow(siblings, now, null, "Invalid JSON payload received. Each line must be a JSON object with a 'request'.");
    }
    // The line's other keys (a custom id, a request table's other columns) are echoed, as the importer stores them.
    inputLine.fields().forEachRemaining(f -> {
      if (!List.of("request", "response", "status", "processed_time").contains(f.getKey())) {
        siblings.set(f.getKey(), Echo.sibling(f.getValue()));
      }
    });
    JsonNode requestJson = inputLine.get("request");
    if (requestJson == null || !requestJson.isObject()) {
      return failedRow(siblings, now, null, "Invalid JSON payload received. The line has no 'request' object;"
          + " each line must be {\"request\": GenerateContentRequest}.");
    }
    JsonNode echo = Echo.request(requestJson, partKeys);
    GenerateContentRequest request;
    try {
      GenerateContentRequest.Builder rb = GenerateContentRequest.newBuilder();
      STRICT.merge(requestJson.toString(), rb);
      request = rb.build();
    } catch (InvalidProtocolBufferException e) {
      return failedRow(siblings, now, echo, "Invalid JSON payload received. " + e.getMessage());
    }
    if (request.getContentsCount() == 0) {
      return failedRow(siblings, now, echo, "Unable to submit request because it has an empty contents field.");
    }
    // Faults depend on the seed, the request's content and the job's sequence number, not on the
    // job's random id or where files were staged: a seeded run is reproduced exactly in any process
    // and directory, and a request sent again in a later job (a retry) gets a fresh draw, as on Vertex.
    String key = EmulatedModel.subjectKey(request);
    String subject = key + "/" + sequence;
    EmulatedModel.Answer answer = model.answer(request, key, subject, modelVersion, now);
    if (answer.response() == null) {
      return failedRow(siblings, now, echo, answer.failure());
    }
    ObjectNode line = Json.object();
    line.put("status", "");
    line.put("processed_time", PROCESSED_TIME.format(now));
    line.set("request", echo);
    line.setAll(siblings);
    line.set("response", answer.json());
    return line;
  }

  /** A failed row: Vertex's status text, the echo when there is one, and no response. */
  private static ObjectNode failedRow(ObjectNode siblings, Instant now, JsonNode echo, String message) {
    return failedRow(siblings, now, echo, RowFailure.badRequest(message));
  }

  private static ObjectNode failedRow(ObjectNode siblings, Instant now, JsonNode echo, RowFailure failure) {
    ObjectNode line = Json.object();
    line.put("status", failure.statusText());
    line.put("processed_time", PROCESSED_TIME.format(now));
    if (echo != null) {
      line.set("request", echo);
    }
    line.setAll(siblings);
    return line;
  }
}
