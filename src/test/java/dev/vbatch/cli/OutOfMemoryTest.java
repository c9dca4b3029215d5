package dev.vbatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A job too large for the heap ends with one line that names the stage and how to raise the heap. */
class OutOfMemoryTest {
  @TempDir Path tmp;

  @Test
  void runningOutOfHeapInPlanIsOneLineNotAStackTrace() throws Exception {
    try (BufferedWriter w = Files.newBufferedWriter(tmp.resolve("rows.csv"))) {
      w.write("id,text\n");
      for (int i = 0; i < 300_000; i++) {
        w.write(i + ",invoice " + i + " from acme, total " + (i * 7 % 9973) + " dollars\n");
      }
    }
    Files.writeString(tmp.resolve("schema.json"), "{\"type\": \"object\", \"properties\": {\"total\": {\"type\": \"number\"}}}");
    Files.writeString(tmp.resolve("job.yaml"), "model: gemini-2.5-flash\ninput:\n  table:\n    path: rows.csv\n"
        + "    textColumn: text\n    idColumn: id\nprompt:\n  user: Extract the total of ${text}\nschema: schema.json\n");
    Process p = CliProcess.start(List.of("-Xmx48m"), List.of("plan", tmp.resolve("job.yaml").toString(),
        "--home", tmp.resolve("home").toString()), null, tmp.resolve("plan"));
    assertThat(p.waitFor()).isEqualTo(ExitCodes.ERROR);
    List<String> err = Files.readAllLines(tmp.resolve("plan.err"));
    assertThat(err).as(String.join("\n", err)).hasSize(1);
    assertThat(err.get(0)).startsWith("error: out of memory in stage 'plan' with a Java heap of ")
        .contains("VBATCH_JAVA_OPTS=-Xmx");
  }
}
