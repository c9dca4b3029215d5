package dev.vbatch.input;

import java.nio.file.Path;

/**
 * A file to send with an item. {@code inlineText} holds the decoded text when the file goes in the
 * request as a text part; otherwise a local file is staged and referenced by URI, and a file
 * already in Cloud Storage ({@code remote}) is referenced where it is.
 */
public record Attachment(Path file, String mimeType, long size, int pages, String inlineText, RemoteObject remote) {
  public Attachment(Path file, String mimeType, long size, int pages, String inlineText) {
    this(file, mimeType, size, pages, inlineText, null);
  }

  public static Attachment remote(RemoteObject object, String mimeType) {
    return new Attachment(null, mimeType, object.size(), 0, null, object);
  }

  public boolean isInline() {
    return inlineText != null;
  }

  public boolean isRemote() {
    return remote != null;
  }
}
