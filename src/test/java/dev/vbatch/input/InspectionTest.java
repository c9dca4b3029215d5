package dev.vbatch.input;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vbatch.spec.InputSpec;
import dev.vbatch.testing.SampleFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectionTest {
  @TempDir Path dir;

  private PlannedItem inspect(Path file) {
    return new ItemInspector(1_000_000).inspect(Discovery.fileItem(dir, file));
  }

  @Test
  void mimeTypeComesFromContentNotTheExtension() throws Exception {
    SampleFiles.png(dir.resolve("scan.pdf"), Map.of("Total", "1"));
    SampleFiles.jpeg(dir.resolve("photo.png"), "x");
    Files.writeString(dir.resolve("notes.md"), "# Notes\n");
    Files.writeString(dir.resolve("data.json"), "{\"a\":1}");
    Files.writeString(dir.resolve("page.html"), "<!DOCTYPE html><html><body>hi</body></html>");
    Files.writeString(dir.resolve("rows.csv"), "a,b\n1,2\n");
    assertThat(MimeTypes.detect(dir.resolve("scan.pdf"))).isEqualTo("image/png");
    assertThat(MimeTypes.detect(dir.resolve("photo.png"))).isEqualTo("image/jpeg");
    assertThat(MimeTypes.detect(dir.resolve("notes.md"))).isEqualTo("text/markdown");
    assertThat(MimeTypes.detect(dir.resolve("data.json"))).isEqualTo("application/json");
    assertThat(MimeTypes.detect(dir.resolve("page.html"))).isEqualTo("text/html");
    assertThat(MimeTypes.detect(dir.resolve("rows.csv"))).isEqualTo("text/csv");
    assertThat(inspect(dir.resolve("scan.pdf")).attachment().get().mimeType()).isEqualTo("image/png");
    byte[] webp = {'R', 'I', 'F', 'F', 26, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', 'L', 13, 0, 0, 0, 0x2f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    Files.write(dir.resolve("pic.bin"), webp);
    assertThat(MimeTypes.detect(dir.resolve("pic.bin"))).isEqualTo("image/webp");
  }

  @Test
  void textTypedWithoutTikaGetsTheTypeTikaWouldGiveIt() {
    String[] texts = {"# Notes\n", "plain words", "a,b\n1,2\n", "{\"a\":[1,2]}", "%PDF-1.7 but text", "x %PDF-1.4",
        "<html><body>hi</body></html>", "  <!doctype HTML>", "<?xml version=\"1.0\"?><a/>", "GIF89a text after",
        "RIFF1234WEBPVP8 ", "héllo ünïcode", "#!/bin/sh\necho hi\n", "From: a@b\nSubject: x\n\nbody", ""};
    String[] names = {"a.txt", "a.md", "a.csv", "a.json", "a.html", "a", "a.pdf", "a.png"};
    for (String text : texts) {
      for (String name : names) {
        byte[] prefix = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(MimeTypes.detect(prefix, name)).as(text + " in " + name).isEqualTo(MimeTypes.viaTika(prefix, name));
      }
    }
  }

  @Test
  void pdfsAreSentByUriWithTheirPageCount() throws Exception {
    SampleFiles.pdf(dir.resolve("a.pdf"), List.of(List.of("one"), List.of("two")));
    PlannedItem p = inspect(dir.resolve("a.pdf"));
    assertThat(p.skip()).isEmpty();
    assertThat(p.attachment().get().pages()).isEqualTo(2);
    assertThat(p.attachment().get().isInline()).isFalse();
  }

  @Test
  void smallTextGoesInlineAndLargeTextAsAFile() throws Exception {
    Files.writeString(dir.resolve("a.txt"), "Total: 5\n");
    assertThat(inspect(dir.resolve("a.txt")).attachment().get().inlineText()).isEqualTo("Total: 5\n");
    Files.writeString(dir.resolve("big.txt"), "x".repeat(2000));
    Files.writeString(dir.resolve("big.md"), "x".repeat(2000));
    ItemInspector small = new ItemInspector(1000);
    assertThat(small.inspect(Discovery.fileItem(dir, dir.resolve("big.txt"))).attachment().get().isInline()).isFalse();
    assertThat(small.inspect(Discovery.fileItem(dir, dir.resolve("big.md"))).skip().get().reason()).isEqualTo("too-large");
  }

  @Test
  void itemsThatCannotBeSentAreSkippedWithAReason() throws Exception {
    Files.write(dir.resolve("empty.pdf"), new byte[0]);
    Files.writeString(dir.resolve("broken.pdf"), "%PDF-1.7\nthis is not really a pdf");
    Files.write(dir.resolve("anim.gif"), new byte[] {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0, 0, 0});
    Files.write(dir.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xe9, '\n'});
    try (PDDocument doc = new PDDocument()) {
      doc.addPage(new PDPage());
      StandardProtectionPolicy policy = new StandardProtectionPolicy("owner", "secret", new AccessPermission());
      doc.protect(policy);
      doc.save(dir.resolve("locked.pdf").toFile());
    }
    assertThat(reason("empty.pdf")).isEqualTo("empty-file");
    assertThat(reason("broken.pdf")).isEqualTo("corrupt-pdf");
    assertThat(reason("anim.gif")).isEqualTo("unsupported-type");
    assertThat(reason("latin1.txt")).isEqualTo("not-utf8");
    assertThat(reason("locked.pdf")).isEqualTo("encrypted-pdf");
    assertThat(inspect(dir.resolve("anim.gif")).skip().get().message())
        .isEqualTo("anim.gif has content of type image/gif; vbatch sends PDF, PNG, JPEG, WEBP, text, Markdown, CSV, JSON and HTML (convert it, or exclude it with input.files.exclude)");
  }

  @Test
  void pdfsOverThePageLimitAreSkipped() throws Exception {
    try (PDDocument doc = new PDDocument()) {
      for (int i = 0; i < ItemInspector.MAX_PDF_PAGES + 1; i++) {
        doc.addPage(new PDPage());
      }
      doc.save(dir.resolve("long.pdf").toFile());
    }
    assertThat(inspect(dir.resolve("long.pdf")).skip().get().message())
        .isEqualTo("long.pdf has 1001 pages; Gemini reads at most 1,000 per PDF (split it)");
  }

  private String reason(String name) {
    return inspect(dir.resolve(name)).skip().map(Skip::reason).orElse("none");
  }

  @Test
  void discoveryIsSortedFiltersAndReportsSymlinkLoops() throws Exception {
    Files.createDirectories(dir.resolve("b/deeper"));
    Files.writeString(dir.resolve("b/deeper/2.txt"), "x");
    Files.writeString(dir.resolve("a.txt"), "x");
    Files.writeString(dir.resolve("draft-a.txt"), "x");
    Files.writeString(dir.resolve("c.log"), "x");
    Files.writeString(dir.resolve(".hidden.txt"), "x");
    Files.createSymbolicLink(dir.resolve("b/deeper/loop"), dir.resolve("b"));
    var spec = new InputSpec.Files(dir, Optional.empty(), List.of("*.txt"), List.of("draft-*"), true);
    List<PlannedItem> found = Discovery.discover(new InputSpec(Optional.of(spec), Optional.empty(), Optional.empty(), 0, Optional.empty()));
    assertThat(found).extracting(p -> p.item().id()).containsExactly("a.txt", "b/deeper/2.txt", "b/deeper/loop");
    assertThat(found.get(2).skip().get().reason()).isEqualTo("symlink-loop");
  }

  @Test
  void sampleIsSeededAndKeepsOrderThenLimitApplies() {
    List<PlannedItem> items = new java.util.ArrayList<>();
    for (int i = 0; i < 100; i++) {
      items.add(new PlannedItem(new Item(String.format("%03d", i), Map.of(), Optional.empty(), Optional.of("t")), Optional.empty(), Optional.empty()));
    }
    var a = Discovery.select(items, Optional.of(10), 7, Optional.empty());
    var b = Discovery.select(items, Optional.of(10), 7, Optional.empty());
    var c = Discovery.select(items, Optional.of(10), 8, Optional.empty());
    assertThat(a).hasSize(10).isEqualTo(b).isNotEqualTo(c);
    assertThat(a).extracting(p -> p.item().id()).isSorted();
    assertThat(Discovery.select(items, Optional.of(10), 7, Optional.of(3))).isEqualTo(a.subList(0, 3));
  }
}
