package dev.vbatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vbatch.testing.SampleFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** input.table.onBadFile: a row whose file is missing, corrupt or unsupported is skipped, or sent with its text alone. */
class BadFileTest {
  @TempDir Path tmp;

  private Path spec(String onBadFile) throws Exception {
    Files.write(tmp.resolve("corrupt.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3}); // a PNG header, then nothing
    Files.writeString(tmp.resolve("good.txt"), "Vendor: Initech\nTotal: 5\n");
    Files.writeString(tmp.resolve("rows.csv"), "id,text,file\n"
        + "a,\"Vendor: Acme\nTotal: 12\",corrupt.png\n"
        + "b,\"Vendor: Globex\nTotal: 7\",missing.pdf\n"
        + "c,\"Vendor: Initech\nTotal: 5\",good.txt\n");
    Files.writeString(tmp.resolve("schema.json"), SampleFiles.TOTAL_VENDOR_SCHEMA);
    Path spec = tmp.resolve(onBadFile + ".yaml");
    Files.writeString(spec, "name: bad-file-" + onBadFile + "\nmodel: gemini-2.5-flash\ninput:\n  table:\n    path: rows.csv\n"
        + "    textColumn: text\n    fileColumn: file\n    idColumn: id\n    onBadFile: " + onBadFile + "\n"
        + "prompt:\n  user: Extract the vendor and total.\nschema: schema.json\n");
    return spec;
  }

  @Test
  void textOnlySendsTheRowWithoutItsFileAndSaysSo() throws Exception {
    CliHarness.Result r = new CliHarness(tmp.resolve("home")).run("run", spec("text-only").toString(),
        "--out", tmp.resolve("out").toString());
    assertThat(r.exit()).as(r.err()).isZero();
    List<JsonNode> lines = CliHarness.lines(tmp.resolve("out/results.jsonl"));
    assertThat(lines).extracting(l -> l.path("status").asText()).containsExactly("succeeded", "succeeded", "succeeded");
    assertThat(lines.get(0).path("data").path("vendor").asText()).isEqualTo("Acme");
    assertThat(lines.get(0).path("note").asText()).startsWith("sent with its text only: ").contains("corrupt.png");
    assertThat(lines.get(1).path("note").asText()).startsWith("sent with its text only: ").contains("missing.pdf");
    assertThat(lines.get(2).has("note")).isFalse();
  }

  @Test
  void skipByDefaultSkipsTheRowNamingItsFile() throws Exception {
    CliHarness.Result r = new CliHarness(tmp.resolve("home")).run("run", spec("skip").toString(),
        "--out", tmp.resolve("out").toString());
    assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.ITEMS_FAILED);
    List<JsonNode> lines = CliHarness.lines(tmp.resolve("out/results.jsonl"));
    assertThat(lines).extracting(l -> l.path("status").asText()).containsExactly("skipped", "skipped", "succeeded");
    assertThat(lines.get(0).path("error").path("message").asText()).contains("corrupt.png");
  }

  @Test
  void anUnknownChoiceIsASpecError() throws Exception {
    CliHarness.Result r = new CliHarness(tmp.resolve("home")).run("plan", spec("ignore").toString());
    assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("property 'input.table.onBadFile' is 'ignore'; use skip");
  }
}
