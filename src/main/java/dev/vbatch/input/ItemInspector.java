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

  public ItemInspector(long maxInlineTextBytes) {
    this.maxInlineTextBytes = maxInlineTextBytes;
  }

  public PlannedItem inspect(Item item) {
    if (item.file().isEmpty()) {
      return new PlannedItem(item, Optional.empty(), Optional.empty());
    }
    Path file = item.file().get();
    String shown = item.id();
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
            + "; vbatch sends PDF, PNG, JPEG, WEBP, text, Markdown, CSV, JSON and HTML (convert it, or exclude it with input.files.exclude)");
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
