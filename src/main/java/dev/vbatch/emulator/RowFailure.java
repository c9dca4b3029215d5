package dev.vbatch.emulator;

import dev.vbatch.util.Json;

/**
 * Why a row failed, as Vertex reports it: an HTTP code, its canonical status and a message. A
 * predictions line carries it as its status text; an online call carries the message.
 */
record RowFailure(int code, String status, String message) {
  static RowFailure badRequest(String message) {
    return new RowFailure(400, "INVALID_ARGUMENT", message);
  }

  /** The status text of a failed predictions line, worded as Vertex words it. */
  String statusText() {
    String reason = switch (code) {
      case 400 -> "Bad Request";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      default -> "Error";
    };
    return reason + ": {\"error\": {\"code\": " + code + ", \"message\": " + Json.write(message) + ", \"status\": \""
        + status + "\"}}";
  }
}
