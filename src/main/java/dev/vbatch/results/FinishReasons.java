package dev.vbatch.results;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What each finishReason Vertex writes means for an item (the current proto's values and those
 * newer than the proto this build reads, such as IMAGE_SAFETY, by name), and the answer text as the
 * decoder reads it: a JSON answer wrapped in a Markdown fence is the JSON inside.
 */
final class FinishReasons {
  private static final Set<String> BLOCKS = Set.of("SAFETY", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "RECITATION",
      "MODEL_ARMOR", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION");
  private static final Set<String> TOOL_CALLS = Set.of("MALFORMED_FUNCTION_CALL", "UNEXPECTED_TOOL_CALL");
  private static final Map<String, String> MEANINGS = Map.of(
      "OTHER", "the model stopped for a reason Vertex does not name",
      "IMAGE_OTHER", "image generation stopped for a reason Vertex does not name",
      "NO_IMAGE", "no image was produced",
      "MALFORMED_FUNCTION_CALL", "the model produced a function call that could not be parsed",
      "UNEXPECTED_TOOL_CALL", "the model called a tool the request did not offer",
      "FINISH_REASON_UNSPECIFIED", "no finishReason given");
  private static final Set<String> KNOWN = Set.of("STOP", "MAX_TOKENS", "OTHER", "IMAGE_OTHER", "NO_IMAGE",
      "MALFORMED_FUNCTION_CALL", "UNEXPECTED_TOOL_CALL", "FINISH_REASON_UNSPECIFIED");
  private static final Pattern NAMED = Pattern.compile("\"finish_?[rR]eason\"\\s*:\\s*\"([A-Z_]+)\"");
  private static final Pattern FENCE = Pattern.compile("(?s)^```[A-Za-z]*\\s*\\n(.*?)\\n?```$");

  private FinishReasons() {}

  static boolean isBlock(String name) {
    return BLOCKS.contains(name);
  }

  static boolean isToolCall(String name) {
    return TOOL_CALLS.contains(name);
  }

  static boolean isKnown(String name) {
    return BLOCKS.contains(name) || KNOWN.contains(name);
  }

  /** ": what it means" for a reason that needs saying, "" otherwise; an unknown reason is said to be unknown. */
  static String meaning(String name) {
    String m = MEANINGS.get(name);
    if (m != null) {
      return ": " + m;
    }
    return isKnown(name) ? "" : ", a reason vbatch does not know";
  }

  /** The first candidate's finishReason as written in the response bytes, or null. */
  static String named(byte[] line, int start, int end) {
    if (start < 0 || end <= start) {
      return null;
    }
    Matcher m = NAMED.matcher(new String(line, start, end - start, StandardCharsets.UTF_8));
    return m.find() ? m.group(1) : null;
  }

  /** The text inside a Markdown code fence (```json ... ```), or the text as it is. */
  static String unfenced(String text) {
    if (!text.startsWith("```")) {
      return text;
    }
    Matcher m = FENCE.matcher(text);
    return m.matches() ? m.group(1).strip() : text;
  }
}
