package dev.vbatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vbatch.testing.SampleFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs of other job shapes: duplicates, skipped items, tables, several shards, and plan. */
class JobShapesTest {
  @TempDir Path tmp;
  CliHarness cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliHarness(tmp.resolve("home"));
    Files.writeString(tmp.resolve("schema.json"), SampleFiles.TOTAL_VENDOR_SCHEMA);
    Files.createDirectories(tmp.resolve("docs"));
  }

  private Path spec(String input, String extra) throws Exception {
    Path spec = tmp.resolve("job.yaml");
    Files.writeString(spec, "name: shapes\nmodel: gemini-2.5-flash\ninput:\n" + input
        + "prompt:\n  user: Extract the fields.\nschema: schema.json\n" + extra);
    return spec;
  }

  @Test
  void identicalRequestsAreSentOnceAndGivenToEveryItem() throws Exception {
    Files.writeString(tmp.resolve("docs/a.txt"), "Vendor: Same\nTotal: 5\n");
    Files.writeString(tmp.resolve("docs/b.txt"), "Vendor: Same\nTotal: 5\n");
    Files.writeString(tmp.resolve("docs/c.txt"), "Vendor: Other\nTotal: 6\n");
    CliHarness.Result r = cli.run("run", spec("  files: docs\n", "").toString(), "--out", tmp.resolve("out").toString(), "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.json().path("requests").path("distinct").asInt()).isEqualTo(2);
    assertThat(r.json().path("requests").path("deduplicated").asInt()).isEqualTo(1);
    assertThat(r.json().path("predictions").path("lines").asInt()).isEqualTo(2);
    List<JsonNode> lines = CliHarness.lines(tmp.resolve("out/results.jsonl"));
    assertThat(lines).extracting(n -> n.path("status").asText()).containsOnly("succeeded");
    assertThat(lines.get(0).path("key")).isEqualTo(lines.get(1).path("key"));
    assertThat(lines.get(2).path("data").path("vendor").asText()).isEqualTo("Other");
  }

  @Test
  void unsendableItemsAreSkippedWithReasonsAndTheRunGoesOn() throws Exception {
    Files.writeString(tmp.resolve("docs/good.txt"), "Vendor: V\nTotal: 1\n");
    Files.write(tmp.resolve("docs/empty.txt"), new byte[0]);
    Files.writeString(tmp.resolve("docs/bad.pdf"), "%PDF-1.4 garbage");
    Files.write(tmp.resolve("docs/blob.bin"), new byte[] {0, 1, 2, 3, 0, 0, 5});
    CliHarness.Result r = cli.run("run", spec("  files: docs\n", "").toString(), "--out", tmp.resolve("out").toString(), "--json");
    assertThat(r.exit()).isEqualTo(5);
    assertThat(r.json().path("byReason").toString()).isEqualTo("{\"corrupt-pdf\":1,\"empty-file\":1,\"unsupported-type\":1}");
    assertThat(CliHarness.lines(tmp.resolve("out/failures.jsonl"))).extracting(n -> n.path("source").asText() + ":" + n.path("status").asText())
        .containsExactly("bad.pdf:skipped", "blob.bin:skipped", "empty.txt:skipped");
    assertThat(r.err()).contains("items 4 = succeeded 1 + failed 0 + skipped 3");
  }

  @Test
  void tableRowsWithTextAndImagesAreItems() throws Exception {
    SampleFiles.png(tmp.resolve("docs/r.png"), java.util.Map.of("Vendor", "Pic Shop", "Total", "3.50"));
    Files.writeString(tmp.resolve("rows.csv"), "id,input_query,image_path\nq1,\"Vendor: Text Co\nTotal: 2\",\nq2,Read the image,docs/r.png\nq3,,\n");
    Path spec = spec("  table:\n    path: rows.csv\n    textColumn: input_query\n    fileColumn: image_path\n    idColumn: id\n", "");
    CliHarness.Result r = cli.run("run", spec.toString(), "--out", tmp.resolve("out").toString(), "--json");
    assertThat(r.exit()).as(r.err()).isEqualTo(5);
    List<JsonNode> lines = CliHarness.lines(tmp.resolve("out/results.jsonl"));
    assertThat(lines).extracting(n -> n.path("source").asText()).containsExactly("q1", "q2", "q3");
    assertThat(lines.get(0).path("data").path("vendor").asText()).isEqualTo("Text Co");
    assertThat(lines.get(1).path("data").path("total").asDouble()).isEqualTo(3.5);
    assertThat(lines.get(2).path("error").path("reason").asText()).isEqualTo("empty-row");
  }

  @Test
  void aBrokenJsonlRowIsSkippedNamingItsLineAndTheOthersRun() throws Exception {
    Files.writeString(tmp.resolve("rows.jsonl"), "{\"q\":\"Vendor: A\\nTotal: 1\"}\n{\"q\": broken\n\n{\"q\":\"Vendor: C\\nTotal: 3\"}\n");
    CliHarness.Result r = cli.run("run", spec("  table:\n    path: rows.jsonl\n    textColumn: q\n", "").toString(),
        "--out", tmp.resolve("out").toString(), "--json");
    assertThat(r.exit()).as(r.err()).isEqualTo(5);
    List<JsonNode> lines = CliHarness.lines(tmp.resolve("out/results.jsonl"));
    assertThat(lines).extracting(n -> n.path("status").asText()).containsExactly("succeeded", "skipped", "succeeded");
    assertThat(lines.get(1).path("error").path("reason").asText()).isEqualTo("invalid-row");
    assertThat(lines.get(1).path("error").path("message").asText()).isEqualTo("rows.jsonl line 2: is not valid JSON at column 13: Unrecognized token 'broken'; each line must be one JSON object");
    assertThat(lines.get(2).path("data").path("vendor").asText()).isEqualTo("C");
  }

  @Test
  void requestsAreCutIntoShardsOneJobEach() throws Exception {
    for (int i = 0; i < 7; i++) {
      Files.writeString(tmp.resolve("docs/" + i + ".txt"), "Vendor: V" + i + "\nTotal: " + i + "\n");
    }
    CliHarness.Result r = cli.run("run", spec("  files: docs\n", "limits:\n  maxRequestsPerShard: 3\nlabels:\n  team: ops\n").toString(),
        "--out", tmp.resolve("out").toString(), "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.json().path("jobs")).hasSize(3);
    assertThat(r.json().path("succeeded").asInt()).isEqualTo(7);
    Path state;
    try (Stream<Path> runs = Files.list(tmp.resolve("home/runs"))) {
      state = runs.findFirst().orElseThrow().resolve("state.json");
    }
    JsonNode st = dev.vbatch.util.Json.MAPPER.readTree(state.toFile());
    assertThat(st.path("stage").asText()).isEqualTo("done");
    assertThat(st.path("shards")).extracting(s -> s.path("requests").asInt()).containsExactly(3, 3, 1);
    Path jobs = tmp.resolve("home/emulator/jobs");
    try (Stream<Path> dirs = Files.list(jobs)) {
      String job = Files.readString(dirs.findFirst().orElseThrow().resolve("job.json"));
      assertThat(job).contains("\"team\": \"ops\"").contains("\"vbatch-job\": \"shapes\"").contains("\"vbatch-run\"").contains("\"vbatch-shard\"");
    }
  }

  @Test
  void stagedFilesAreContentAddressedAndNotUploadedAgain() throws Exception {
    SampleFiles.pdf(tmp.resolve("docs/a.pdf"), List.of(List.of("Vendor: A", "Total: 1")));
    Files.copy(tmp.resolve("docs/a.pdf"), tmp.resolve("docs/same-content.pdf"));
    Path spec = spec("  files: docs\n", "");
    assertThat(cli.run("run", spec.toString(), "--out", tmp.resolve("out1").toString()).exit()).isZero();
    Path files = tmp.resolve("home/staging/files");
    List<Path> staged;
    try (Stream<Path> s = Files.list(files)) {
      staged = s.toList();
    }
    assertThat(staged).hasSize(1);
    String sha = dev.vbatch.util.Hashing.sha256Hex(tmp.resolve("docs/a.pdf"));
    assertThat(staged.get(0).getFileName().toString()).isEqualTo(sha + ".pdf");
    var modified = Files.getLastModifiedTime(staged.get(0));
    Files.setLastModifiedTime(staged.get(0), java.nio.file.attribute.FileTime.fromMillis(1000));
    assertThat(cli.run("run", spec.toString(), "--out", tmp.resolve("out2").toString()).exit()).isZero();
    assertThat(Files.getLastModifiedTime(staged.get(0)).toMillis()).as("not copied again").isEqualTo(1000);
    assertThat(modified.toMillis()).isNotEqualTo(1000);
  }

  @Test
  void planReportsAndTouchesNothing() throws Exception {
    Files.writeString(tmp.resolve("docs/a.txt"), "Vendor: V\nTotal: 1\n");
    SampleFiles.pdf(tmp.resolve("docs/b.pdf"), List.of(List.of("Total: 2"), List.of("Vendor: W")));
    Files.write(tmp.resolve("docs/empty.txt"), new byte[0]);
    CliHarness.Result r = cli.run("plan", spec("  files: docs\n", "").toString(), "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode plan = r.json();
    assertThat(plan.path("items").asInt()).isEqualTo(3);
    assertThat(plan.path("toSend").asInt()).isEqualTo(2);
    assertThat(plan.path("skippedByReason").toString()).isEqualTo("{\"empty-file\":1}");
    assertThat(plan.path("estimatedTokens").path("input").asLong()).isGreaterThan(2 * 258);
    assertThat(plan.path("estimatedCost").path("online").asDouble()).isEqualTo(2 * plan.path("estimatedCost").path("batch").asDouble(), org.assertj.core.data.Offset.offset(1e-12));
    assertThat(Files.exists(tmp.resolve("home"))).as("plan must not create state, staging or emulator data").isFalse();
    assertThat(Files.exists(tmp.resolve("vbatch-out"))).isFalse();
    CliHarness.Result text = cli.run("plan", tmp.resolve("job.yaml").toString());
    assertThat(text.out()).contains("items: 3 found, 2 to send, 1 skipped").contains("skip empty.txt: empty.txt is empty (0 bytes); there is nothing to send");
  }

  @Test
  void helpTeachesWithExamplesAndExitCodes() {
    CliHarness.Result r = cli.run("run", "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("Examples:").contains("--emulator-fault").contains("Exit codes:")
        .contains("5    the run finished but some items failed or were skipped").contains("6    another vbatch process owns the run")
        .contains("130   interrupted (Ctrl+C, SIGTERM): the run is detached, not lost");
  }
}
