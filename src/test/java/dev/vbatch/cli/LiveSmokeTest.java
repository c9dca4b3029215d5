package dev.vbatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vbatch.util.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny job on real Vertex AI: two text items through Cloud Storage staging, a batch job, and the
 * results. It runs only when VBATCH_IT_PROJECT and VBATCH_IT_BUCKET are set (and uses Application
 * Default Credentials); VBATCH_IT_LOCATION (default us-central1) and VBATCH_IT_MODEL (default
 * gemini-2.5-flash) are optional. With VBATCH_IT_DATASET (a BigQuery dataset in that location), the
 * same job also runs with its requests staged in BigQuery. A batch job can wait in Vertex's queue for
 * a long time: allow an hour (two with the dataset).
 *
 * <pre>VBATCH_IT_PROJECT=my-project VBATCH_IT_BUCKET=my-bucket mvn -B test -Dtest=LiveSmokeTest</pre>
 */
@EnabledIfEnvironmentVariable(named = "VBATCH_IT_PROJECT", matches = ".+")
@EnabledIfEnvironmentVariable(named = "VBATCH_IT_BUCKET", matches = ".+")
class LiveSmokeTest {
  @TempDir Path tmp;

  @Test
  void aTinyJobRunsOnVertexAi() throws Exception {
    tinyJob("");
  }

  @Test
  @EnabledIfEnvironmentVariable(named = "VBATCH_IT_DATASET", matches = ".+")
  void aTinyJobRunsOnVertexAiWithItsRequestsStagedInBigQuery() throws Exception {
    tinyJob("stagingDataset: " + System.getenv("VBATCH_IT_DATASET") + "\n");
  }

  private void tinyJob(String extra) throws Exception {
    String location = System.getenv().getOrDefault("VBATCH_IT_LOCATION", "us-central1");
    String model = System.getenv().getOrDefault("VBATCH_IT_MODEL", "gemini-2.5-flash");
    Files.createDirectories(tmp.resolve("docs"));
    Files.writeString(tmp.resolve("docs/a.txt"), "Invoice from Acme Tools GmbH. Total due: 120.50 EUR.\n");
    Files.writeString(tmp.resolve("docs/b.txt"), "Receipt, City Parking, paid 14.00 USD.\n");
    Files.writeString(tmp.resolve("schema.json"), "{\"type\":\"object\",\"properties\":{\"vendor\":{\"type\":\"string\"},"
        + "\"total\":{\"type\":\"number\"}},\"required\":[\"vendor\",\"total\"]}");
    Path spec = tmp.resolve("job.yaml");
    Files.writeString(spec, "name: vbatch-smoke\nmodel: " + model + "\nproject: " + System.getenv("VBATCH_IT_PROJECT")
        + "\nlocation: " + location + "\nstaging: gs://" + System.getenv("VBATCH_IT_BUCKET") + "/vbatch-smoke\n"
        + "input:\n  files: docs\nprompt:\n  user: Extract the vendor and the total amount.\nschema: schema.json\n"
        + "generation:\n  temperature: 0\n  maxOutputTokens: 256\nretry:\n  rounds: 0\nlimits:\n  maxWait: 1h\n" + extra);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.execute(Context.system(), new PrintWriter(out, true), new PrintWriter(err, true),
        "run", spec.toString(), "--home", tmp.resolve("home").toString(), "--out", tmp.resolve("out").toString(), "--json");
    assertThat(exit).as(err.toString()).isZero();
    JsonNode summary = Json.read(out.toString());
    assertThat(summary.path("succeeded").asInt()).isEqualTo(2);
    assertThat(summary.path("tokens").path("total").asLong()).isPositive();
    assertThat(Files.readString(tmp.resolve("out/results.jsonl"))).contains("Acme").contains("City Parking");
  }
}
