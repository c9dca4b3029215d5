package dev.vbatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.vbatch.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** output.formats: every format holds the same records as results.jsonl, one per item, in input order. */
class ResultFormatsTest {
  @TempDir Path tmp;

  @Test
  void theSampleJobWritesJsonlJsonCsvAndFilesThatAgreeRecordByRecord() throws Exception {
    Path in = tmp.resolve("in");
    Files.createDirectories(in.resolve("scans/2026"));
    Files.writeString(in.resolve("a.txt"), "Invoice A-1\nVendor: Acme, Inc.\nTotal: 10.50 EUR\n");
    Files.writeString(in.resolve("scans/b.txt"), "Invoice B-2\nVendor: \"Quoted\" Ltd\nTotal: 20 USD\n");
    Files.writeString(in.resolve("scans/2026/c.md"), "Receipt C-3\nVendor: Café Ünïcode\nTotal: 7 GBP\n");
    Files.write(in.resolve("scans/broken.pdf"), new byte[] {1, 2, 3}); // skipped: not a PDF
    Path sample = RunCommandTest.SPEC.toAbsolutePath().getParent();
    Files.copy(sample.resolve("prompt.yaml"), tmp.resolve("prompt.yaml"));
    Files.copy(sample.resolve("schema.json"), tmp.resolve("schema.json"));
    Files.writeString(tmp.resolve("job.yaml"), "name: formats\nmodel: gemini-2.5-flash\ninput:\n  files: in\n"
        + "prompt: prompt.yaml\nschema: schema.json\noutput:\n  path: out\n  formats: [jsonl, json, csv, files]\n");
    CliHarness.Result r = new CliHarness(tmp.resolve("home")).run("run", tmp.resolve("job.yaml").toString());
    assertThat(r.exit()).as(r.err()).isIn(0, 5);
    Path out = tmp.resolve("out");
    List<JsonNode> lines = CliHarness.lines(out.resolve("results.jsonl"));
    assertThat(lines).hasSize(4);

    JsonNode array = Json.read(Files.readString(out.resolve("results.json")));
    assertThat(array.isArray()).isTrue();
    List<JsonNode> fromArray = new ArrayList<>();
    array.forEach(fromArray::add);
    assertThat(fromArray).isEqualTo(lines);

    List<List<String>> rows = new ArrayList<>();
    try (MappingIterator<List<String>> it = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY)
        .readerForListOf(String.class).readValues(out.resolve("results.csv").toFile())) {
      it.forEachRemaining(rows::add);
    }
    assertThat(rows.get(0)).containsExactly("source", "status", "reason", "message", "attempts", "promptTokens",
        "candidatesTokens", "thoughtsTokens", "totalTokens", "data.document_type", "data.invoice_number", "data.vendor",
        "data.invoice_date", "data.currency", "data.total", "data");
    assertThat(rows).hasSize(lines.size() + 1);
    assertThat(Files.readString(out.resolve("results.csv"))).contains("\r\n");
    for (int i = 0; i < lines.size(); i++) {
      JsonNode l = lines.get(i);
      List<String> row = rows.get(i + 1);
      assertThat(row.get(0)).isEqualTo(l.path("source").asText());
      assertThat(row.get(1)).isEqualTo(l.path("status").asText());
      assertThat(row.get(2)).isEqualTo(l.path("error").path("reason").asText(""));
      assertThat(row.get(8)).isEqualTo(l.path("usage").path("totalTokens").asText(""));
      assertThat(row.get(11)).isEqualTo(l.path("data").path("vendor").asText(""));
      assertThat(row.get(14)).isEqualTo(l.path("data").path("total").asText(""));
      assertThat(row.get(15)).isEmpty(); // every property of this schema is a scalar with a column of its own

      boolean ok = l.path("status").asText().equals("succeeded");
      Path file = out.resolve("files").resolve(l.path("source").asText() + (ok ? ".json" : ".error.json"));
      assertThat(file).exists();
      assertThat(Json.read(Files.readString(file))).isEqualTo(ok ? l.path("data") : l);
    }
    assertThat(lines).extracting(l -> l.path("status").asText()).containsExactly("succeeded", "succeeded", "succeeded",
        "skipped");
    assertThat(out.resolve("files/scans/2026/c.md.json")).exists();
    assertThat(out.resolve("files/scans/broken.pdf.error.json")).exists();

    // A second run over a smaller input leaves no stale file behind.
    Files.delete(in.resolve("scans/b.txt"));
    CliHarness.Result again = new CliHarness(tmp.resolve("home")).run("run", tmp.resolve("job.yaml").toString());
    assertThat(again.exit()).as(again.err()).isIn(0, 5);
    try (var files = Files.walk(out.resolve("files"))) {
      assertThat(files.filter(Files::isRegularFile).map(p -> out.resolve("files").relativize(p).toString()))
          .hasSize(3).noneMatch(p -> p.startsWith("scans/b.txt"));
    }
  }
}
