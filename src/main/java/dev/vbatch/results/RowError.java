package dev.vbatch.results;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vbatch.util.Json;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A failed row's status as Vertex writes it ({@code Bad Request: {"error": {"code": 400, "message":
 * ..., "status": "INVALID_ARGUMENT"}}}), read for its code: a 400 fails the same way every time and
 * becomes {@code request-invalid}, which is not retried; 429 and 5xx (and a status that cannot be
 * read) stay {@code request-error}, which is.
 */
record RowError(int code, String status, String message, String raw) {
  private static final Pattern JSON_PART = Pattern.compile("(?s)^[^{]*(\\{.*})\\s*$");

  static RowError of(String raw) {
    Matcher m = JSON_PART.matcher(raw);
    if (m.matches()) {
      try {
        JsonNode error = Json.MAPPER.readTree(m.group(1)).path("error");
        if (error.isObject()) {
          return new RowError(error.path("code").asInt(0), error.path("status").asText(""), error.path("message").asText(""), raw);
        }
      } catch (java.io.IOException | RuntimeException unreadable) {
        // read as text below
      }
    }
    return new RowError(0, "", raw, raw);
  }

  boolean permanent() {
    return code == 400 || status.equals("INVALID_ARGUMENT") || status.equals("FAILED_PRECONDITION");
  }

  Outcome outcome() {
    if (permanent()) {
      return Outcome.failed("request-invalid", "Vertex refused the request (" + (code > 0 ? code + " " : "") + status
          + "): " + clip(message, 600) + "; it fails the same way each time it is sent, so it is not retried: fix the"
          + " request (prompt, files, generation settings)", Usage.NONE);
    }
    return Outcome.failed("request-error", "Vertex reported: " + clip(code > 0 ? code + " " + status + ": " + message : raw, 600)
        + "; retried in the next round", Usage.NONE);
  }

  private static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "…";
  }
}
