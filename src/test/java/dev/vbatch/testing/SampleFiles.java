package dev.vbatch.testing;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/**
 * Makes the input files tests and samples use: PDFs with text, PNGs with drawn text and the same
 * text in tEXt chunks (which the emulator reads in place of OCR), and JPEGs. {@code main} writes
 * samples/invoices.
 */
public final class SampleFiles {
  private SampleFiles() {}

  /** The schema most tests extract with: the total and the vendor the emulator reads from "Vendor: X / Total: N" text. */
  public static final String TOTAL_VENDOR_SCHEMA = "{\"type\":\"object\",\"properties\":{\"total\":{\"type\":\"number\"},"
      + "\"vendor\":{\"type\":\"string\"}},\"required\":[\"total\",\"vendor\"]}";

  public static void pdf(Path file, List<List<String>> pages) throws IOException {
    try (PDDocument doc = new PDDocument()) {
      PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
      for (List<String> lines : pages) {
        PDPage page = new PDPage();
        doc.addPage(page);
        try (PDPageContentStream content = new PDPageContentStream(doc, page)) {
          content.beginText();
          content.setFont(font, 12);
          content.setLeading(16);
          content.newLineAtOffset(60, 720);
          for (String line : lines) {
            content.showText(line);
            content.newLine();
          }
          content.endText();
        }
      }
      Files.createDirectories(file.toAbsolutePath().getParent());
      doc.save(file.toFile());
    }
  }

  /** A PNG showing {@code fields} as text, with each field also in a tEXt chunk. */
  public static void png(Path file, Map<String, String> fields) throws IOException {
    BufferedImage image = new BufferedImage(480, 40 + 24 * fields.size(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 16));
    int y = 30;
    for (var e : fields.entrySet()) {
      g.drawString(e.getKey() + ": " + e.getValue(), 20, y);
      y += 24;
    }
    g.dispose();
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(image, "png", png);
    byte[] bytes = png.toByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(bytes, 0, 33); // signature and IHDR
    for (var e : fields.entrySet()) {
      chunk(out, "tEXt", (e.getKey() + "\0" + e.getValue()).getBytes(StandardCharsets.ISO_8859_1));
    }
    out.write(bytes, 33, bytes.length - 33);
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, out.toByteArray());
  }

  public static void jpeg(Path file, String caption) throws IOException {
    BufferedImage image = new BufferedImage(320, 120, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(240, 240, 230));
    g.fillRect(0, 0, 320, 120);
    g.setColor(Color.DARK_GRAY);
    g.setFont(new Font(Font.SERIF, Font.BOLD, 18));
    g.drawString(caption, 16, 64);
    g.dispose();
    Files.createDirectories(file.toAbsolutePath().getParent());
    ImageIO.write(image, "jpg", file.toFile());
  }

  private static void chunk(OutputStream out, String type, byte[] data) throws IOException {
    byte[] typeBytes = type.getBytes(StandardCharsets.ISO_8859_1);
    out.write(new byte[] {(byte) (data.length >>> 24), (byte) (data.length >>> 16), (byte) (data.length >>> 8), (byte) data.length});
    out.write(typeBytes);
    out.write(data);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    long c = crc.getValue();
    out.write(new byte[] {(byte) (c >>> 24), (byte) (c >>> 16), (byte) (c >>> 8), (byte) c});
  }

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "samples/invoices");
    pdf(dir.resolve("invoice-1001.pdf"), List.of(List.of(
        "ACME TOOLS GMBH - INVOICE", "Document Type: invoice", "Invoice Number: INV-1001", "Vendor: Acme Tools GmbH",
        "Invoice Date: 2026-10-03", "Currency: EUR", "Total: 1,234.50", "Thank you for your business.")));
    pdf(dir.resolve("invoice-1002.pdf"), List.of(
        List.of("NORTHWIND TRADERS", "Document Type: invoice", "Invoice Number: NW-1002", "Vendor: Northwind Traders Ltd",
            "Invoice Date: 2026-09-18"),
        List.of("Page 2 of 2", "Currency: GBP", "Total: 89.99")));
    png(dir.resolve("receipt-2001.png"), new java.util.LinkedHashMap<>(Map.of(
        "Document Type", "receipt", "Invoice Number", "R-2001", "Vendor", "Corner Cafe")));
    png(dir.resolve("receipt-2002.png"), Map.of("Document Type", "receipt", "Invoice Number", "R-2002",
        "Vendor", "City Parking", "Invoice Date", "2026-11-01", "Currency", "USD", "Total", "14.00"));
    jpeg(dir.resolve("receipt-2003.jpg"), "Thank you! Total 7.20 CHF");
    Files.writeString(dir.resolve("invoice-1003.txt"), String.join("\n",
        "Invoice", "Document Type: invoice", "Invoice Number: 1003-B", "Vendor: Blue Sky Hosting Inc.",
        "Invoice Date: 2026-10-31", "Currency: USD", "Total: $420.00", "") );
    Files.writeString(dir.resolve("invoice-1004.md"), String.join("\n",
        "# Invoice 1004", "", "- Document Type: invoice", "- Invoice Number: 1004", "- Vendor: Fjord Design AS",
        "- Invoice Date: 2026-08-15", "- Currency: EUR", "- Total: 2500", ""));
  }
}
