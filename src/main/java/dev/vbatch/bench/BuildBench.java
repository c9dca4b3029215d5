package dev.vbatch.bench;

import dev.vbatch.event.EventSink;
import dev.vbatch.run.Plan;
import dev.vbatch.run.PlanStep;
import dev.vbatch.run.RequestStep;
import dev.vbatch.run.Requests;
import dev.vbatch.run.ShardSink;
import dev.vbatch.spec.JobSpec;
import dev.vbatch.spec.SpecReader;
import dev.vbatch.storage.LocalBlobStore;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/**
 * The build benchmark (scripts/bench): N small local files of mixed kinds and sizes (text and
 * Markdown 100 B to 8 KB, PNG images, one-page PDFs), generated with a fixed seed, then plan, build
 * and stage with the production steps into a local staging directory, timed end to end.
 */
public final class BuildBench {
  private BuildBench() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int n = Integer.parseInt(args[1]);
    if (!Files.exists(dir.resolve("job.yaml"))) {
      generate(dir, n);
    }
    JobSpec spec = SpecReader.read(dir.resolve("job.yaml"));
    long bytes;
    try (Stream<Path> all = Files.walk(dir.resolve("docs"))) {
      bytes = all.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
    LocalBlobStore store = new LocalBlobStore(dir.resolve("staging-" + System.nanoTime()));
    long t0 = System.nanoTime();
    Plan plan = PlanStep.run(spec, EventSink.NONE);
    double planned = (System.nanoTime() - t0) / 1e9;
    Requests requests;
    try (ShardSink sink = new ShardSink(spec.limits(), store, "requests/")) {
      requests = RequestStep.run(plan, store, sink, true, Map.of(), EventSink.NONE);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("build:  %,d files, %.1f MB: plan %.2f s, plan + build + stage %.2f s: %,.0f items/s, %.1f MB/s; "
        + "%,d requests in %d shard(s), %d skipped%n", plan.items().size(), bytes / 1e6, planned, seconds,
        plan.items().size() / seconds, bytes / 1e6 / seconds, requests.unique(), requests.shards().size(), plan.skipped());
  }

  static void generate(Path dir, int n) throws IOException {
    Path docs = Files.createDirectories(dir.resolve("docs"));
    Random random = new Random(7);
    for (int i = 0; i < n; i++) {
      Path sub = Files.createDirectories(docs.resolve(String.format("%03d", i % 500)));
      int kind = random.nextInt(100);
      if (kind < 80) {
        StringBuilder text = new StringBuilder("Vendor: Vendor " + i + "\nTotal: " + (i % 997) + "\n");
        int size = 100 + random.nextInt(8000);
        while (text.length() < size) {
          text.append("line ").append(random.nextInt()).append(" of the document\n");
        }
        Files.writeString(sub.resolve("doc-" + i + (kind < 70 ? ".txt" : ".md")), text);
      } else if (kind < 92) {
        BufferedImage image = new BufferedImage(16 + random.nextInt(48), 16 + random.nextInt(48), BufferedImage.TYPE_INT_RGB);
        for (int p = 0; p < 20; p++) {
          image.setRGB(random.nextInt(image.getWidth()), random.nextInt(image.getHeight()), random.nextInt());
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        Files.write(sub.resolve("scan-" + i + ".png"), png.toByteArray());
      } else {
        try (PDDocument pdf = new PDDocument()) {
          PDPage page = new PDPage();
          pdf.addPage(page);
          try (PDPageContentStream content = new PDPageContentStream(pdf, page)) {
            content.beginText();
            content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
            content.newLineAtOffset(72, 700);
            content.showText("Vendor: Vendor " + i + "  Total: " + (i % 997));
            content.endText();
          }
          pdf.save(sub.resolve("invoice-" + i + ".pdf").toFile());
        }
      }
    }
    Files.writeString(dir.resolve("schema.json"), MergeBench.SCHEMA);
    Files.writeString(dir.resolve("job.yaml"), "name: bench\nmodel: gemini-2.5-flash\ninput:\n  files: docs\n"
        + "prompt:\n  user: Extract the vendor and the total.\nschema: schema.json\n");
    System.out.printf("generated %,d files (80%% text/Markdown, 12%% PNG, 8%% PDF)%n", n);
  }
}
