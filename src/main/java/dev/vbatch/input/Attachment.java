package dev.vbatch.input;

import java.nio.file.Path;

/**
 * A file to send with an item. {@code inlineText} holds the decoded text when the file goes in the
 * request as a text part; otherwise the file is staged and referenced by URI.
 */
public record Attachment(Path file, String mimeType, long size, int pages, String inlineText) {
  public boolean isInline() {
    return inlineText != null;
  }
}
