package dev.vbatch.input;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;

/**
 * Decides whether an item's file can be sent to Gemini, and how. Limits follow Vertex's documented
 * ones: PDFs up to 50 MB and 1,000 pages, images up to 30 MB from Cloud Storage, PNG/JPEG/WEBP.
 */
public final class ItemInspector {
  public static final long MAX_PDF_BYTES = 50L * 1024 * 1024;
  public static final int MAX_PDF_PAGES = 1000;
  public static final long MAX_IMAGE_BYTES = 30L * 1024 * 1024;
  public static final long MAX_TEXT_FILE_BYTES = 50L * 1024 * 1024;

  private final long maxInlineTextBytes;
  private final RemoteObjects cloud;

  public ItemInspector(long maxInlineTextBytes) {
    this(maxInlineTextBytes, RemoteObjects.NONE);
  }

  /** {@code cloud} looks up files given as gs:// URIs in a table. */
  public ItemInspector(long maxInlineTextBytes, RemoteObjects cloud) {
    this.maxInlineTextBytes = maxInlineTextBytes;
    this.cloud = cloud;
  }

  public PlannedItem inspect(Item item) {
    if (item.object().isPresent()) {
      return remote(item, item.object().get());
    }
    if (item.file().isEmpty()) {
      return new PlannedItem(item, Optional.empty(), Optional.empty());
    }
    Path file = item.file().get();
    // A table row is named by its id and the file its column gives; a file item by its path.
    boolean row = item.vars().containsKey("row");
    String shown = row ? item.id() + "'s file " + item.vars().getOrDefault("file.path", file.toString()) : item.id();
    try {
      if (!Files.exists(file)) {
        return PlannedItem.skipped(item, "missing-file", file + " does not exist (a broken link, or moved after discovery)");
      }
      if (!Files.isRegularFile(file)) {
        return PlannedItem.skipped(item, "unsupported-type", file + " is not a regular file");
      }
      long size = Files.size(file);
      if (size == 0) {
        return PlannedItem.skipped(item, "empty-file", shown + " is empty (0 bytes); there is nothing to send");
      }
      String mime = MimeTypes.detect(file);
      if (!MimeTypes.isSupported(mime)) {
        return PlannedItem.skipped(item, "unsupported-type", shown + " has content of type " + mime
            + "; vbatch sends PDF, PNG, JPEG, WEBP, text, Markdown, CSV, JSON and HTML (convert it, or "
            + (row ? "point the row at a supported file, or set input.table.onBadFile: text-only" : "exclude it with input.files.exclude") + ")");
      }
      if (mime.equals("application/pdf")) {
        return pdf(item, file, size);
      }
      if (MimeTypes.IMAGES.contains(mime)) {
        if (size > MAX_IMAGE_BYTES) {
          return PlannedItem.skipped(item, "too-large", shown + " is " + mb(size) + "; Gemini takes images up to 30 MB (resize or recompress it)");
        }
        return ready(item, new Attachment(file, mime, size, 1, null));
      }
      return text(item, file, mime, size);
    } catch (AccessDeniedException e) {
      return PlannedItem.skipped(item, "unreadable", file + " cannot be read: permission denied");
    } catch (NoSuchFileException e) {
      return PlannedItem.skipped(item, "missing-file", file + " does not exist (a broken link, or moved after discovery)");
    } catch (IOException e) {
      return PlannedItem.skipped(item, "unreadable", file + " cannot be read: " + e.getMessage());
    }
  }

  /**
   * A file already in Cloud Storage: typed by its content type (or its name when the type is
   * generic) and checked against the size limits from its metadata; it is never downloaded, so a
   * PDF's pages are not counted.
   */
  private PlannedItem remote(Item item, RemoteObject object) {
    String shown = item.id().equals(object.uri()) ? object.uri() : item.id() + " (" + object.uri() + ")";
    if (!object.isResolved()) {
      Optional<RemoteObject> found;
      try {
        found = cloud.get(object.uri());
      } catch (IOException | RuntimeException e) {
        return PlannedItem.skipped(item, "unreadable", shown + " cannot be looked up: " + e.getMessage());
      }
      if (found.isEmpty()) {
        return PlannedItem.skipped(item, "missing-file", shown + " does not exist");
      }
      return remote(new Item(item.id(), item.vars(), item.file(), item.text(), found), found.get());
    }
    if (object.size() == 0) {
      return PlannedItem.skipped(item, "empty-file", shown + " is empty (0 bytes); there is nothing to send");
    }
    String type = object.contentType() == null ? "" : object.contentType().split(";")[0].trim().toLowerCase(java.util.Locale.ROOT);
    String mime = MimeTypes.isSupported(type) ? type : MimeTypes.byName(object.name());
    if (!MimeTypes.isSupported(mime)) {
      return PlannedItem.skipped(item, "unsupported-type", shown + " has content type " + (type.isEmpty() ? "(none)" : type)
          + " and a name vbatch cannot type; vbatch sends PDF, PNG, JPEG, WEBP, text, Markdown, CSV, JSON and HTML "
          + "(set the object's Content-Type, or exclude it with input.files.exclude)");
    }
    long limit = mime.equals("application/pdf") ? MAX_PDF_BYTES : MimeTypes.IMAGES.contains(mime) ? MAX_IMAGE_BYTES : MAX_TEXT_FILE_BYTES;
    if (object.size() > limit) {
      return PlannedItem.skipped(item, "too-large", shown + " is " + mb(object.size()) + "; Gemini takes " + mime
          + " files up to " + mb(limit) + " (split or recompress it)");
    }
    return ready(item, Attachment.remote(object, mime));
  }

  private PlannedItem pdf(Item item, Path file, long size) {
    if (size > MAX_PDF_BYTES) {
      return PlannedItem.skipped(item, "too-large", item.id() + " is " + mb(size) + "; Gemini takes PDFs up to 50 MB (split it)");
    }
    try (PDDocument doc = Loader.loadPDF(file.toFile())) {
      int pages = doc.getNumberOfPages();
      if (pages == 0) {
        return PlannedItem.skipped(item, "corrupt-pdf", item.id() + " has no pages");
      }
      if (pages > MAX_PDF_PAGES) {
        return PlannedItem.skipped(item, "too-many-pages", item.id() + " has " + pages + " pages; Gemini reads at most 1,000 per PDF (split it)");
      }
      return ready(item, new Attachment(file, "application/pdf", size, pages, null));
    } catch (InvalidPasswordException e) {
      return PlannedItem.skipped(item, "encrypted-pdf", item.id() + " is password-protected; Gemini cannot open it (remove the password)");
    } catch (IOException | RuntimeException e) {
      return PlannedItem.skipped(item, "corrupt-pdf", item.id() + " is not a readable PDF: " + e.getMessage());
    }
  }

  private PlannedItem text(Item item, Path file, String mime, long size) throws IOException {
    if (size <= maxInlineTextBytes) {
      byte[] bytes = Files.readAllBytes(file);
      try {
        String text = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes)).toString();
        return ready(item, new Attachment(file, mime, size, 0, text));
      } catch (CharacterCodingException e) {
        return PlannedItem.skipped(item, "not-utf8", item.id() + " is not UTF-8 text; re-encode it as UTF-8");
      }
    }
    if (mime.equals("text/plain") && size <= MAX_TEXT_FILE_BYTES) {
      return ready(item, new Attachment(file, mime, size, 0, null));
    }
    return PlannedItem.skipped(item, "too-large", item.id() + " is " + mb(size) + " of " + mime
        + ", over limits.maxInlineTextBytes (" + maxInlineTextBytes + " bytes); raise the limit or split the file");
  }

  private static PlannedItem ready(Item item, Attachment attachment) {
    return new PlannedItem(item, Optional.empty(), Optional.of(attachment));
  }

  private static String mb(long bytes) {
    return String.format("%.1f MB", bytes / (1024.0 * 1024.0));
  }
}
