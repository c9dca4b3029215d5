package dev.vbatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What needs no remote call is checked before anything is planned, staged or submitted: exit 2, nothing written. */
class PreflightTest {
  @TempDir Path tmp;
  CliHarness cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliHarness(tmp.resolve("home"));
    Files.createDirectories(tmp.resolve("docs"));
    Files.writeString(tmp.resolve("docs/a.txt"), "Vendor: V\nTotal: 1\n");
    Files.writeString(tmp.resolve("schema.json"), dev.vbatch.testing.SampleFiles.TOTAL_VENDOR_SCHEMA);
  }

  private Path spec(String extra) throws Exception {
    Path spec = tmp.resolve("job.yaml");
    Files.writeString(spec, "name: preflight\nmodel: gemini-2.5-flash\ninput:\n  files: docs\n"
        + "prompt:\n  user: Extract the fields.\nschema: schema.json\n" + extra);
    return spec;
  }

  private void nothingWasSubmitted() {
    assertThat(tmp.resolve("home/emulator/jobs")).satisfiesAnyOf(
        d -> assertThat(d).doesNotExist(), d -> assertThat(d).isEmptyDirectory());
    assertThat(tmp.resolve("home/runs")).satisfiesAnyOf(d -> assertThat(d).doesNotExist(), d -> assertThat(d).isEmptyDirectory());
  }

  @Test
  void anOutputThatIsAFileIsRefusedBeforeAnyJob() throws Exception {
    Files.writeString(tmp.resolve("results.txt"), "mine");
    CliHarness.Result r = cli.run("run", spec("").toString(), "--out", tmp.resolve("results.txt").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("error: --out is " + tmp.resolve("results.txt") + ", which is a file; vbatch writes"
        + " results.jsonl, failures.jsonl and summary.json into a directory");
    assertThat(Files.readString(tmp.resolve("results.txt"))).isEqualTo("mine");
    nothingWasSubmitted();
  }

  @Test
  void anOutputInsideTheInputFolderIsRefused() throws Exception {
    CliHarness.Result r = cli.run("run", spec("").toString(), "--out", tmp.resolve("docs/out").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("inside the input folder").contains("the next run would read its own results as inputs");
    assertThat(tmp.resolve("docs/out")).doesNotExist();
    nothingWasSubmitted();
  }

  @Test
  void aCloudStagingOnTheEmulatorIsASpecErrorNotALocalFolderNamedGs() throws Exception {
    CliHarness.Result r = cli.run("run", spec("staging: gs://bucket/x\n").toString(), "--out", tmp.resolve("out").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("job.yaml: property 'staging' is 'gs://bucket/x', and the emulator backend stages to a local directory");
    assertThat(tmp.resolve("gs:")).doesNotExist();
    assertThat(Path.of("gs:")).doesNotExist();
    nothingWasSubmitted();
  }

  @Test
  void theDefaultHomeIsTheUsersNotTheCurrentDirectorys() {
    assertThat(CommonOptions.home(null, Map.of("HOME", "/home/ada"))).isEqualTo(Path.of("/home/ada/.vbatch"));
    assertThat(CommonOptions.home(null, Map.of("HOME", "/home/ada", "VBATCH_HOME", "/srv/vbatch"))).isEqualTo(Path.of("/srv/vbatch"));
    assertThat(CommonOptions.home(Path.of("h"), Map.of("VBATCH_HOME", "/srv/vbatch"))).isEqualTo(Path.of("h"));
  }
}
