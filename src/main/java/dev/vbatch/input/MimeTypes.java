package dev.vbatch.input;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.apache.tika.Tika;

/**
 * Detects a file's MIME type from its content (magic bytes first), using the extension only to tell
 * kinds of text apart. A {@code .pdf} that holds a PNG is a PNG.
 */
public final class MimeTypes {
  public static final Set<String> IMAGES = Set.of("image/png", "image/jpeg", "image/webp");
  public static final Set<String> TEXT =
      Set.of("text/plain", "text/markdown", "text/csv", "application/json", "text/html");

  private static final Tika TIKA = new Tika();
  private static final int PREFIX = 64 * 1024;

  private MimeTypes() {}

  /** The detected type, or the type Tika reports for content vbatch does not send. */
  public static String detect(Path file) throws IOException {
    byte[] prefix;
    try (InputStream in = Files.newInputStream(file)) {
      prefix = in.readNBytes(PREFIX);
    }
    return detect(prefix, file.getFileName().toString());
  }

  static String detect(byte[] prefix, String name) {
    if (looksLikeText(prefix) && !mayBeMarkedUp(prefix)) {
      // Plain text with no markup and no signature Tika would match: only the extension tells the
      // kinds apart, and Tika's magic tables cost a millisecond a file.
      return textByExtension(extension(name));
    }
    return viaTika(prefix, name);
  }

  /** The type as Tika's magic detection decides it, with the extension telling kinds of text apart. */
  static String viaTika(byte[] prefix, String name) {
    String byContent = TIKA.detect(prefix);
    String ext = extension(name);
    if (byContent.equals("application/pdf") || IMAGES.contains(byContent)) {
      return byContent;
    }
    if (byContent.equals("text/html") || byContent.equals("application/xhtml+xml")) {
      return "text/html";
    }
    if (byContent.startsWith("text/") || looksLikeText(prefix)) {
      return textByExtension(ext);
    }
    return byContent;
  }

  /** The type a file name's extension names, for files vbatch does not read (those in Cloud Storage). */
  public static String byName(String name) {
    return switch (extension(name)) {
      case "pdf" -> "application/pdf";
      case "png" -> "image/png";
      case "jpg", "jpeg" -> "image/jpeg";
      case "webp" -> "image/webp";
      case "txt", "text", "md", "markdown", "csv", "json", "html", "htm" -> textByExtension(extension(name));
      default -> "application/octet-stream";
    };
  }

  private static String textByExtension(String ext) {
    return switch (ext) {
      case "md", "markdown" -> "text/markdown";
      case "csv" -> "text/csv";
      case "json" -> "application/json";
      case "html", "htm" -> "text/html";
      default -> "text/plain";
    };
  }

  /**
   * Whether text may be HTML or XML ('<' anywhere), a PDF ("%PDF") or a RIFF container: the cases
   * where Tika's answer for text-like content can differ from the extension's.
   */
  private static boolean mayBeMarkedUp(byte[] prefix) {
    if (prefix.length >= 4 && prefix[0] == 'R' && prefix[1] == 'I' && prefix[2] == 'F' && prefix[3] == 'F') {
      return true;
    }
    for (int i = 0; i < prefix.length; i++) {
      byte b = prefix[i];
      if (b == '<' || (b == '%' && i + 3 < prefix.length && prefix[i + 1] == 'P' && prefix[i + 2] == 'D' && prefix[i + 3] == 'F')) {
        return true;
      }
    }
    return false;
  }

  private static boolean looksLikeText(byte[] prefix) {
    if (prefix.length == 0) {
      return false;
    }
    int control = 0;
    for (byte b : prefix) {
      int c = b & 0xff;
      if (c == 0) {
        return false;
      }
      if (c < 0x09 || (c > 0x0d && c < 0x20)) {
        control++;
      }
    }
    return control * 100 < prefix.length;
  }

  public static String extension(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  public static boolean isSupported(String mime) {
    return mime.equals("application/pdf") || IMAGES.contains(mime) || TEXT.contains(mime);
  }
}
