package dev.vbatch.emulator;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * An opaque list page token, as Vertex's are: it carries the offset and a check of the query it
 * belongs to, so a token that was made up, or used with another filter, is refused with
 * INVALID_ARGUMENT instead of being read as a number.
 */
final class PageToken {
  private PageToken() {}

  static String of(int offset, String query) {
    String text = offset + ":" + Long.toHexString(Double.doubleToLongBits(Faults.unit("page/" + query)));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The offset of {@code token} (0 for none); IllegalArgumentException when it is not one of ours for this query. */
  static int offset(String token, String query) {
    if (token == null || token.isEmpty()) {
      return 0;
    }
    try {
      String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      int colon = text.indexOf(':');
      int offset = Integer.parseInt(text.substring(0, colon));
      if (offset >= 0 && of(offset, query).equals(token)) {
        return offset;
      }
    } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
      // falls through to the refusal below
    }
    throw new IllegalArgumentException("Invalid page token; use the next_page_token of the previous response with the"
        + " same filter.");
  }
}
