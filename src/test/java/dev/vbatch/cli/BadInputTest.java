package dev.vbatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Mistakes a user makes, each run through 'vbatch run' as typed: the exit code, the exact first error
 * line (one mistake, one message, naming the file, property or option and what to do), and that
 * nothing was written: no results, no run, no staged file, the job's folder as it was.
 */
class BadInputTest {
  @TempDir Path tmp;

  /** One mistake: the files of the job folder over the base ones, the arguments after 'run', what it must say. */
  record Case(String name, Map<String, String> files, List<String> args, int exit, String firstError) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final String JOB = """
      model: gemini-2.5-flash
      input:
        files: in
      prompt: prompt.yaml
      schema: schema.json
      """;

  private static Case spec(String name, String yaml, String error) {
    return new Case(name, Map.of("job.yaml", yaml), List.of(), ExitCodes.USAGE, error);
  }

  private static Case file(String name, String file, String content, String error) {
    return new Case(name, Map.of(file, content), List.of(), ExitCodes.USAGE, error);
  }

  private static Case option(String name, List<String> args, String error) {
    return new Case(name, Map.of(), args, ExitCodes.USAGE, error);
  }

  private static String with(String line) {
    return JOB + line + "\n";
  }

  static Stream<Case> cases() {
    String p = "{dir}/job.yaml: property ";
    return Stream.of(
        spec("yaml-syntax", "model: [unclosed\n", "{dir}/job.yaml: is not valid YAML at line 1, column 17: while parsing a flow sequence; expected ',' or ']', but got <stream end>"),
        spec("not-a-mapping", "- a\n- b\n", "{dir}/job.yaml: must be a YAML mapping with at least 'model', 'input', 'prompt' and 'schema'"),
        spec("duplicate-key", JOB + "model: gemini-2.5-pro\n", "{dir}/job.yaml: key 'model' is given twice, at lines 1 and 6; keep one (YAML would silently use the second)"),
        spec("duplicate-nested-key", JOB.replace("  files: in\n", "  files: in\n  limit: 1\n  limit: 2\n"), "{dir}/job.yaml: key 'input.limit' is given twice, at lines 4 and 5; keep one (YAML would silently use the second)"),
        spec("unknown-property", with("modle: x"), p + "'modle' is not a known property; did you mean 'mode'?"),
        spec("unknown-property-typo", with("outptu: out"), p + "'outptu' is not a known property; did you mean 'output'?"),
        spec("missing-model", JOB.replace("model: gemini-2.5-flash\n", ""), p + "'model' is missing; name a Gemini model such as gemini-2.5-flash"),
        spec("model-with-space", JOB.replace("gemini-2.5-flash", "'gemini 2.5'"), p + "'model' is 'gemini 2.5'; use a model id such as gemini-2.5-flash or a full publishers/google/models/... name"),
        spec("bad-name", with("name: Invoices!"), p + "'name' is 'Invoices!'; use 1 to 63 lowercase letters, digits, '-' or '_', starting with a letter (it becomes a Vertex label)"),
        spec("bad-backend", with("backend: cloud"), p + "'backend' is 'cloud'; use 'emulator' (local, the default without a project) or 'vertex'"),
        spec("bad-location", with("location: mars"), p + "'location' is 'mars'; use a Vertex AI region such as us-central1 or europe-west4, or 'global'"),
        spec("vertex-without-project", with("backend: vertex"), p + "'project' is missing; the vertex backend needs a Google Cloud project (or set GOOGLE_CLOUD_PROJECT)"),
        spec("unset-env-variable", with("staging: gs://${env:VBATCH_NO_SUCH_BUCKET}/x"), p + "'staging' uses ${env:VBATCH_NO_SUCH_BUCKET}, and VBATCH_NO_SUCH_BUCKET is not set; set it in the environment (the Terraform module's Cloud Run job sets the variables its specs use)"),
        spec("missing-input", JOB.replace("input:\n  files: in\n", ""), p + "'input' is missing; give 'files' (a directory or glob) or 'table' (a CSV or JSONL file)"),
        spec("files-and-table", JOB.replace("  files: in\n", "  files: in\n  table: t.csv\n"), p + "'input' has both 'files' and 'table'; a job reads one kind of input"),
        spec("missing-input-dir", JOB.replace("files: in", "files: nothere"), p + "'input.files' names {dir}/nothere, which is not a directory (paths are relative to {dir})"),
        spec("unknown-input-property", JOB.replace("  files: in\n", "  files: in\n  limt: 3\n"), p + "'input.limt' is not a known property; did you mean 'limit'?"),
        spec("sample-zero", JOB.replace("  files: in\n", "  files: in\n  sample: 0\n"), p + "'input.sample' is '0'; it must be a whole number of items, at least 1"),
        spec("seed-text", JOB.replace("  files: in\n", "  files: in\n  seed: abc\n"), p + "'input.seed' is 'abc'; it must be a whole number"),
        spec("allow-empty-text", JOB.replace("  files: in\n", "  files: in\n  allowEmpty: sometimes\n"), p + "'input.allowEmpty' is 'sometimes'; it must be true or false"),
        spec("missing-table", JOB.replace("files: in", "table: {path: nothere.csv, textColumn: text}"), p + "'input.table.path' names {dir}/nothere.csv, which does not exist"),
        new Case("bigquery-on-emulator", Map.of("job.yaml", JOB.replace("files: in", "table: {bigquery: p.d.t, textColumn: text}"),
            "prompt.yaml", "user: Extract ${text}\n"), List.of(), ExitCodes.USAGE, p + "'input.table.bigquery' names a BigQuery table, and the emulator backend reads local files only; set backend: vertex (with project and staging), or export the table to a CSV or JSONL file and give its path"),
        spec("missing-prompt", JOB.replace("prompt: prompt.yaml\n", ""), p + "'prompt' is missing; give a prompt file (prompt: prompt.yaml) with 'system' and 'user', or those two keys inline"),
        spec("missing-prompt-file", JOB.replace("prompt.yaml", "nope.yaml"), p + "'prompt' names {dir}/nope.yaml, which does not exist"),
        file("prompt-duplicate-key", "prompt.yaml", "user: a\nuser: b\n", p + "'prompt' file {dir}/prompt.yaml: key 'user' is given twice, at lines 1 and 2; keep one (YAML would silently use the second)"),
        file("prompt-not-yaml", "prompt.yaml", "user: [x\n", p + "'prompt' file {dir}/prompt.yaml is not valid YAML at line 1, column 9: while parsing a flow sequence; expected ',' or ']', but got <stream end>"),
        file("prompt-unknown-variable", "prompt.yaml", "user: Extract ${customer}\n", p + "'prompt (prompt.yaml) user' uses ${customer}, which this input does not provide; known variables: file.ext, file.mime, file.name, file.path, file.stem, item.id"),
        file("prompt-without-user", "prompt.yaml", "system: You extract.\n", p + "'prompt (prompt.yaml) user' is missing; it is the user message sent with each item, e.g. 'Extract the fields of ${file.name}'"),
        spec("missing-schema", JOB.replace("schema: schema.json\n", ""), p + "'schema' is missing; give a JSON Schema file for the structured result, e.g. schema: schema.json"),
        spec("missing-schema-file", JOB.replace("schema.json", "nope.json"), p + "'schema' names {dir}/nope.json, which does not exist"),
        file("schema-not-json", "schema.json", "{\"type\": \"object\",\n \"properties\": }\n", p + "'schema' file {dir}/schema.json is not valid JSON at line 2: Unexpected character ('}' (code 125)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"),
        spec("temperature-out-of-range", with("generation: {temperature: 3.5}"), p + "'generation.temperature' is 3.5; allowed 0 to 2"),
        spec("top-p-text", with("generation: {topP: high}"), p + "'generation.topP' is 'high'; it must be a number from 0 to 1"),
        spec("max-output-zero", with("generation: {maxOutputTokens: 0}"), p + "'generation.maxOutputTokens' is 0; allowed 1 to 65536"),
        spec("safety-category", with("generation: {safety: [{category: HARM_CATEGORY_RUDENESS, threshold: BLOCK_NONE}]}"), p + "'generation.safety[0].category' is 'HARM_CATEGORY_RUDENESS'; use one of HARM_CATEGORY_HATE_SPEECH, HARM_CATEGORY_DANGEROUS_CONTENT, HARM_CATEGORY_HARASSMENT, HARM_CATEGORY_SEXUALLY_EXPLICIT, HARM_CATEGORY_CIVIC_INTEGRITY, HARM_CATEGORY_JAILBREAK"),
        spec("label-key", with("labels: {Team: x}"), p + "'labels.Team' has an invalid key; Vertex label keys are 1 to 63 lowercase letters, digits, '-' or '_', starting with a letter"),
        spec("label-value", with("labels: {env: Prod}"), p + "'labels.env' has the value 'Prod'; Vertex label values are at most 63 lowercase letters, digits, '-' or '_'"),
        spec("label-reserved", with("labels: {vbatch-run: mine}"), p + "'labels.vbatch-run' is reserved: vbatch sets it to find its own jobs"),
        spec("shard-too-large", with("limits: {maxRequestsPerShard: 500000}"), p + "'limits.maxRequestsPerShard' is 500000; allowed 1 to 200000 (Vertex takes at most 200,000 requests per batch job)"),
        spec("gs-staging-on-emulator", with("staging: gs://bucket/x"), p + "'staging' is 'gs://bucket/x', and the emulator backend stages to a local directory; give a directory (or leave staging out for HOME/staging), or set project: to run on Vertex AI"),
        option("retry-rounds", List.of("--retry-rounds", "11"), "error: --retry-rounds is 11; allowed 0 to 10"),
        option("bad-mode", List.of("--mode", "sideways"), "error: --mode is 'sideways'; use batch, online or auto (auto sends a round online when it has fewer than online.autoBelow requests)"),
        option("unknown-option", List.of("--frobnicate"), "error: Unknown option: '--frobnicate'"),
        option("bad-wait-lock", List.of("--wait-lock", "soon"), "error: --wait-lock: write a duration such as 200ms, 90s, 30m, 6h, 2d or 1h30m"),
        option("out-is-a-file", List.of("--out", "{dir}/prompt.yaml"), "error: --out is {dir}/prompt.yaml, which is a file; vbatch writes results.jsonl, failures.jsonl and summary.json into a directory: name a directory (it is created when missing)"),
        option("out-inside-input", List.of("--out", "{dir}/in/results"), "error: --out is {dir}/in/results, inside the input folder {dir}/in: the next run would read its own results as inputs; write them elsewhere (for example vbatch-out/NAME)"),
        option("home-not-writable", List.of("--home", "/proc/vbatch-home"), "error: --home is /proc/vbatch-home, which cannot be made a directory vbatch can write to (/proc/vbatch-home: No such file or directory); name a directory you may write to"),
        option("spec-missing", List.of("{dir}/nothere.yaml"), "{dir}/nothere.yaml: no such file; give the path to a job.yaml"),
        new Case("nothing-matches", Map.of("job.yaml", JOB.replace("  files: in\n", "  files:\n    path: in\n    include: ['*.pdf']\n    exclude: ['b*']\n")),
            List.of(), ExitCodes.EMPTY, "error: no input items: {dir}/in holds 3 files; 3 left out by include [*.pdf]; 0 excluded by 'b*'; 1 file hidden (a name starting with '.') ignored. Fix 'input' in {dir}/job.yaml, or pass --allow-empty (input.allowEmpty: true) where an empty night is expected"),
        new Case("empty-folder", Map.of("job.yaml", JOB.replace("files: in", "files: empty"), "empty/.keep", ""),
            List.of(), ExitCodes.EMPTY, "error: no input items: {dir}/empty holds no file; 1 file hidden (a name starting with '.') ignored. Fix 'input' in {dir}/job.yaml, or pass --allow-empty (input.allowEmpty: true) where an empty night is expected"),
        new Case("empty-table", Map.of("job.yaml", JOB.replace("files: in", "table: {path: t.csv, textColumn: text}"), "t.csv", "text\n",
            "prompt.yaml", "user: Extract ${text}\n"),
            List.of(), ExitCodes.EMPTY, "error: no input items: table t.csv has no rows. Fix 'input' in {dir}/job.yaml, or pass --allow-empty (input.allowEmpty: true) where an empty night is expected"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachMistakeGivesOneMessageAndWritesNothing(Case c) throws IOException {
    Path dir = tmp.toRealPath().resolve("job");
    Files.createDirectories(dir.resolve("in"));
    Map<String, String> files = new LinkedHashMap<>();
    files.put("job.yaml", JOB);
    files.put("prompt.yaml", "user: Extract the fields of ${file.name}\n");
    files.put("schema.json", "{\"type\": \"object\", \"properties\": {\"total\": {\"type\": \"number\"}}}\n");
    files.put("in/a.txt", "Invoice 1, total 10\n");
    files.put("in/b.txt", "Invoice 2, total 20\n");
    files.put("in/c.md", "Invoice 3, total 30\n");
    files.put("in/.hidden", "not an item\n");
    files.putAll(c.files());
    for (Map.Entry<String, String> f : files.entrySet()) {
      Files.createDirectories(dir.resolve(f.getKey()).getParent());
      Files.writeString(dir.resolve(f.getKey()), f.getValue());
    }
    Set<String> before = tree(dir);
    Path home = tmp.resolve("home");
    Path out = tmp.resolve("out");
    List<String> args = new ArrayList<>(List.of("run"));
    if (!c.args().contains("{dir}/nothere.yaml")) {
      args.add(dir.resolve("job.yaml").toString());
    }
    c.args().forEach(a -> args.add(a.replace("{dir}", dir.toString())));
    if (!c.args().contains("--out")) {
      args.addAll(List.of("--out", out.toString()));
    }

    int homeAt = args.indexOf("--home");
    if (homeAt >= 0) {
      home = Path.of(args.get(homeAt + 1));
      args.subList(homeAt, homeAt + 2).clear();
    }
    CliHarness.Result r = new CliHarness(home).run(args.toArray(String[]::new));

    assertThat(r.exit()).as(r.err()).isEqualTo(c.exit());
    assertThat(firstError(r.err())).isEqualTo(c.firstError().replace("{dir}", dir.toString()));
    assertThat(r.err()).doesNotContain("Exception", "at [Source", "\tat ");
    assertThat(out).doesNotExist();
    assertThat(tree(dir)).isEqualTo(before);
    // An empty input is found once the backend is open: the embedded emulator has made its (empty) data folder.
    List<String> kept = c.exit() == ExitCodes.EMPTY ? List.of("runs", "chains", "answers", "staging")
        : List.of("runs", "chains", "answers", "staging", "emulator");
    for (String written : kept) {
      assertThat(home.resolve(written)).as("HOME/" + written).doesNotExist();
    }
  }

  /** The first line that reports an error; for an invalid spec, its first problem. */
  private static String firstError(String err) {
    List<String> lines = err.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("error: the job spec is not valid")) {
        return lines.get(i + 1).strip();
      }
      if (lines.get(i).startsWith("error: ")) {
        return lines.get(i);
      }
    }
    return "(no error line in: " + err + ")";
  }

  private static Set<String> tree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.map(p -> dir.relativize(p).toString()).collect(java.util.stream.Collectors.toCollection(TreeSet::new));
    }
  }
}
