package dev.vbatch.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecReaderTest {
  @TempDir Path dir;
  Path spec;

  @BeforeEach
  void files() throws IOException {
    Files.createDirectories(dir.resolve("docs"));
    Files.writeString(dir.resolve("schema.json"), "{\"type\":\"object\",\"properties\":{\"total\":{\"type\":\"number\"}},\"required\":[\"total\"]}");
    Files.writeString(dir.resolve("prompt.yaml"), "system: Be exact.\nuser: Read ${file.name}\n");
    spec = dir.resolve("job.yaml");
  }

  private JobSpec read(String yaml) throws Exception {
    Files.writeString(spec, yaml);
    return SpecReader.read(spec, Map.of());
  }

  private List<String> problems(String yaml) throws IOException {
    Files.writeString(spec, yaml);
    try {
      SpecReader.read(spec, Map.of());
    } catch (SpecException e) {
      return e.problems();
    }
    throw new AssertionError("expected the spec to be rejected");
  }

  private static final String VALID = """
      name: invoices
      model: gemini-2.5-flash
      input:
        files: docs
      prompt: prompt.yaml
      schema: schema.json
      """;

  @Test
  void readsAValidSpecWithDefaults() throws Exception {
    JobSpec s = read(VALID);
    assertThat(s.name()).isEqualTo("invoices");
    assertThat(s.backend()).isEqualTo(JobSpec.Backend.EMULATOR);
    assertThat(s.location()).isEqualTo("us-central1");
    assertThat(s.modelResource()).isEqualTo("publishers/google/models/gemini-2.5-flash");
    assertThat(s.input().files().get().root()).isEqualTo(dir.resolve("docs"));
    assertThat(s.user().variables()).containsExactly("file.name");
    assertThat(s.system().render(Map.of())).isEqualTo("Be exact.");
    assertThat(s.limits()).isEqualTo(JobSpec.Limits.defaults());
  }

  @Test
  void nameDefaultsToTheDirectoryOfTheSpec() throws Exception {
    Path jobDir = Files.createDirectories(dir.resolve("nightly-pdfs"));
    Files.writeString(jobDir.resolve("job.yaml"), VALID.replace("name: invoices\n", "").replace("docs", "../docs")
        .replace("prompt.yaml", "../prompt.yaml").replace("schema.json", "../schema.json"));
    assertThat(SpecReader.read(jobDir.resolve("job.yaml"), Map.of()).name()).isEqualTo("nightly-pdfs");
  }

  @Test
  void aProjectSelectsVertexWhichNeedsGcsStaging() throws Exception {
    List<String> p = problems(VALID + "project: my-proj\n");
    assertThat(p).containsExactly(spec + ": property 'staging' is missing; the vertex backend needs a gs://BUCKET/PREFIX to stage requests and read predictions");
    JobSpec s = read(VALID + "project: my-proj\nstaging: gs://bucket/vbatch\nlocation: europe-west4\n");
    assertThat(s.backend()).isEqualTo(JobSpec.Backend.VERTEX);
    assertThat(s.project()).contains("my-proj");
  }

  @Test
  void vertexWithoutProjectTakesTheEnvironmentsOrFails() throws Exception {
    String yaml = VALID + "backend: vertex\nstaging: gs://b/p\n";
    assertThat(problems(yaml)).containsExactly(spec + ": property 'project' is missing; the vertex backend needs a Google Cloud project (or set GOOGLE_CLOUD_PROJECT)");
    Files.writeString(spec, yaml);
    assertThat(SpecReader.read(spec, Map.of("GOOGLE_CLOUD_PROJECT", "from-env")).project()).contains("from-env");
  }

  @Test
  void reportsEveryProblemAtOnceNamingFileAndProperty() throws IOException {
    List<String> p = problems("""
        name: Invoices!
        model: gemini-2.5-flash
        backend: cloud
        location: mars
        input:
          files: missing-dir
          limt: 3
        prompt:
          user: Hello ${customer}
        schema: nope.json
        generation:
          temperature: 3.5
          topP: high
          maxOutputTokens: 0
          safety:
            - category: HARM_CATEGORY_RUDENESS
              threshold: BLOCK_NONE
        labels:
          Team: x
          env: Prod
          vbatch-run: mine
        limits:
          maxRequestsPerShard: 500000
        outptu: out
        """);
    String f = spec.toString();
    // The prompt's ${customer} is not reported: the input could not be read, so what it provides is unknown.
    assertThat(p).containsExactlyInAnyOrder(
        f + ": property 'outptu' is not a known property; did you mean 'output'?",
        f + ": property 'name' is 'Invoices!'; use 1 to 63 lowercase letters, digits, '-' or '_', starting with a letter (it becomes a Vertex label)",
        f + ": property 'backend' is 'cloud'; use 'emulator' (local, the default without a project) or 'vertex'",
        f + ": property 'location' is 'mars'; use a Vertex AI region such as us-central1 or europe-west4, or 'global'",
        f + ": property 'input.limt' is not a known property; did you mean 'limit'?",
        f + ": property 'input.files' names " + dir.resolve("missing-dir") + ", which is not a directory (paths are relative to " + dir + ")",
        f + ": property 'schema' names " + dir.resolve("nope.json") + ", which does not exist",
        f + ": property 'generation.temperature' is 3.5; allowed 0 to 2",
        f + ": property 'generation.topP' is 'high'; it must be a number from 0 to 1",
        f + ": property 'generation.maxOutputTokens' is 0; allowed 1 to 65536",
        f + ": property 'generation.safety[0].category' is 'HARM_CATEGORY_RUDENESS'; use one of HARM_CATEGORY_HATE_SPEECH, HARM_CATEGORY_DANGEROUS_CONTENT, HARM_CATEGORY_HARASSMENT, HARM_CATEGORY_SEXUALLY_EXPLICIT, HARM_CATEGORY_CIVIC_INTEGRITY, HARM_CATEGORY_JAILBREAK",
        f + ": property 'labels.Team' has an invalid key; Vertex label keys are 1 to 63 lowercase letters, digits, '-' or '_', starting with a letter",
        f + ": property 'labels.env' has the value 'Prod'; Vertex label values are at most 63 lowercase letters, digits, '-' or '_'",
        f + ": property 'labels.vbatch-run' is reserved: vbatch sets it to find its own jobs",
        f + ": property 'limits.maxRequestsPerShard' is 500000; allowed 1 to 200000 (Vertex takes at most 200,000 requests per batch job)");
  }

  @Test
  void missingEssentialsAreNamed() throws IOException {
    assertThat(problems("name: x\n")).containsExactly(
        spec + ": property 'model' is missing; name a Gemini model such as gemini-2.5-flash",
        spec + ": property 'input' is missing; give 'files' (a directory or glob) or 'table' (a CSV or JSONL file)",
        spec + ": property 'prompt' is missing; give a prompt file (prompt: prompt.yaml) with 'system' and 'user', or those two keys inline",
        spec + ": property 'schema' is missing; give a JSON Schema file for the structured result, e.g. schema: schema.json");
  }

  @Test
  void invalidYamlNamesTheLine() throws IOException {
    Files.writeString(spec, "name: x\nmodel: [unclosed\n");
    assertThatThrownBy(() -> SpecReader.read(spec, Map.of()))
        .isInstanceOf(SpecException.class)
        .hasMessage(spec + ": is not valid YAML at line 2, column 17: while parsing a flow sequence; expected ',' or ']', but got <stream end>");
  }

  @Test
  void tableColumnsBecomeVariablesAndAreChecked() throws Exception {
    Files.writeString(dir.resolve("rows.csv"), "id,input_query,image_path\n1,What is this?,a.png\n");
    String base = VALID.replace("  files: docs\n", "  table:\n    path: rows.csv\n    textColumn: input_query\n    fileColumn: image_path\n    idColumn: id\n");
    JobSpec s = read(base.replace("prompt: prompt.yaml", "prompt:\n  user: \"Answer ${input_query} about ${file.name}\""));
    assertThat(s.input().table().get().columns()).containsExactly("id", "input_query", "image_path");
    assertThat(problems(base.replace("textColumn: input_query", "textColumn: question")))
        .containsExactly(spec + ": property 'input.table.textColumn' is 'question', which is not a column; columns are: id, input_query, image_path");
  }

  @Test
  void unsupportedSchemaKeywordsWarnAndRecursionIsAnError() throws Exception {
    Files.writeString(dir.resolve("schema.json"), "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{\"a\":{\"type\":\"string\"}}}");
    assertThat(read(VALID).warnings()).containsExactly(spec + ": property 'schema' (schema.json) schema /additionalProperties: 'additionalProperties' is not supported by Vertex responseSchema and is not sent; results are still validated against it locally");
    Files.writeString(dir.resolve("schema.json"), "{\"$defs\":{\"n\":{\"type\":\"object\",\"properties\":{\"next\":{\"$ref\":\"#/$defs/n\"}}}},\"$ref\":\"#/$defs/n\"}");
    assertThat(problems(VALID)).containsExactly(spec + ": property 'schema' (schema.json) schema /$defs/n/properties/next: '$ref' to '#/$defs/n' is recursive; Vertex responseSchema cannot express recursion, so it cannot be inlined");
  }

  private static final String CHAIN_HEAD = """
      name: chain
      model: gemini-2.5-flash
      input:
        files: docs
      steps:
      """;

  @Test
  void aChainReadsEachStepWithItsOwnPromptSchemaAndSettings() throws Exception {
    JobSpec spec = read(CHAIN_HEAD + """
          - name: extract
            prompt: prompt.yaml
            schema: schema.json
          - name: check
            model: gemini-2.5-pro
            history: true
            when: steps.extract.data.total > 10
            prompt:
              user: Is ${steps.extract.data.total} right for ${file.name}?
            schema: schema.json
        """);
    assertThat(spec.isChain()).isTrue();
    assertThat(spec.steps()).extracting(JobSpec.Step::name).containsExactly("extract", "check");
    assertThat(spec.steps().get(0).spec().model()).isEqualTo("gemini-2.5-flash");
    assertThat(spec.steps().get(1).spec().model()).isEqualTo("gemini-2.5-pro");
    assertThat(spec.steps().get(1).history()).isTrue();
    assertThat(spec.steps().get(1).when().get().path()).isEqualTo("steps.extract.data.total");
    assertThat(spec.steps().get(1).when().get().test(p -> com.fasterxml.jackson.databind.node.IntNode.valueOf(11))).isTrue();
    assertThat(spec.steps().get(1).when().get().test(p -> com.fasterxml.jackson.databind.node.IntNode.valueOf(10))).isFalse();
  }

  @Test
  void chainProblemsNameTheStep() throws Exception {
    List<String> problems = problems("prompt: prompt.yaml\n" + CHAIN_HEAD + """
          - name: extract
            when: steps.x.data.y
            prompt:
              user: Uses ${steps.later.data.total}
            schema: schema.json
          - name: extract
            prompt:
              user: Reads ${steps.extract.data.total}
            schema: schema.json
            when: steps.extract.data.total >
            history: yes please
        """);
    assertThat(problems).anySatisfy(m -> assertThat(m).contains("property 'prompt' is given beside steps"))
        .anySatisfy(m -> assertThat(m).contains("steps[1] (extract): property 'when' is on the first step"))
        .anySatisfy(m -> assertThat(m).contains("steps[1] (extract): property 'prompt.user' uses ${steps.later.data.total}"))
        .anySatisfy(m -> assertThat(m).contains("steps[2] (extract): property 'name' 'extract' is used by an earlier step"))
        .anySatisfy(m -> assertThat(m).contains("steps[2] (extract): property 'when' is 'steps.extract.data.total >'"))
        .anySatisfy(m -> assertThat(m).contains("steps[2] (extract): property 'history' is 'yes please'"));
    assertThat(problems).noneSatisfy(m -> assertThat(m).contains("${steps.extract.data.total}, which"));
  }
}
