package dev.vbatch.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.aiplatform.v1.GenerationConfig;
import com.google.cloud.aiplatform.v1.HarmCategory;
import com.google.cloud.aiplatform.v1.SafetySetting;
import dev.vbatch.util.Durations;
import dev.vbatch.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and validates a job spec completely before anything runs: every problem is collected and
 * reported together, each naming the file and property and saying what is allowed.
 */
public final class SpecReader {
  private static final Set<String> TOP =
      Set.of("name", "model", "backend", "project", "location", "input", "prompt", "schema",
          "generation", "labels", "staging", "stagingDataset", "output", "resultsTable", "resultsUri", "limits", "retry", "mode", "online", "steps");
  private static final Set<String> LABEL_KEYS_RESERVED = Set.of("vbatch-run", "vbatch-shard", "vbatch-job", "vbatch-round");

  private final Path file;
  private final Path dir;
  private final Problems problems;
  private final Map<String, String> env;

  private SpecReader(Path file, Map<String, String> env) {
    this.file = file;
    this.dir = file.toAbsolutePath().getParent();
    this.problems = new Problems(file);
    this.env = env;
  }

  public static JobSpec read(Path file) throws SpecException {
    return read(file, System.getenv());
  }

  /** Reads {@code file}; {@code env} supplies GOOGLE_CLOUD_PROJECT for the vertex backend. */
  public static JobSpec read(Path file, Map<String, String> env) throws SpecException {
    return new SpecReader(file, env).read();
  }

  private JobSpec read() throws SpecException {
    JsonNode root;
    try {
      String text = Files.readString(file);
      Optional<String> twice = YamlKeys.duplicate(text);
      if (twice.isPresent()) {
        throw new SpecException(List.of(file + ": " + twice.get()));
      }
      root = Json.YAML.readTree(text);
    } catch (NoSuchFileException e) {
      throw new SpecException(List.of(file + ": no such file; give the path to a job.yaml"));
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr();
      throw new SpecException(List.of(file + ": is not valid YAML" + where + ": " + oneLine(e.getOriginalMessage())));
    } catch (IOException e) {
      throw new SpecException(List.of(file + ": cannot be read: " + e.getMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new SpecException(List.of(file + ": must be a YAML mapping with at least 'model', 'input', 'prompt' and 'schema'"));
    }
    problems.unknownKeys(root, TOP, "");
    new EnvExpander(env, problems).expand(root);
    if (root.has("steps")) {
      return new ChainReader(problems, this::readOne).read((com.fasterxml.jackson.databind.node.ObjectNode) root);
    }
    JobSpec spec = readOne(root, Set.of());
    problems.throwIfAny();
    return spec;
  }

  private JobSpec readOne(JsonNode root, Set<String> stepPrefixes) {
    String name = text(root, "name").orElse(defaultName());
    if (root.has("name") && !name.matches("[a-z][a-z0-9_-]{0,62}")) {
      problems.error("name", "is '" + name + "'; use 1 to 63 lowercase letters, digits, '-' or '_', starting with a letter (it becomes a Vertex label)");
    }
    String model = text(root, "model").orElse("");
    if (model.isEmpty()) {
      problems.error("model", "is missing; name a Gemini model such as gemini-2.5-flash");
    } else if (!model.matches("[A-Za-z0-9][A-Za-z0-9._@/-]*")) {
      problems.error("model", "is '" + model + "'; use a model id such as gemini-2.5-flash or a full publishers/google/models/... name");
    } else if (dev.vbatch.results.Pricing.online(model).isEmpty() && !model.contains("/endpoints/")) {
      problems.warn("model", "is '" + model + "', which vbatch does not know (it knows "
          + String.join(", ", dev.vbatch.results.Pricing.knownModels()) + "): its cost cannot be estimated, and the "
          + "run stops at its first job if Vertex does not serve it; check the name");
    }
    Optional<String> project = text(root, "project");
    JobSpec.Backend backend = backend(root, project);
    if (backend == JobSpec.Backend.VERTEX && project.isEmpty()) {
      project = Optional.ofNullable(env.get("GOOGLE_CLOUD_PROJECT")).filter(s -> !s.isBlank());
      if (project.isEmpty()) {
        problems.error("project", "is missing; the vertex backend needs a Google Cloud project (or set GOOGLE_CLOUD_PROJECT)");
      }
    }
    String location = text(root, "location").orElse("us-central1");
    if (!location.equals("global") && !location.matches("[a-z]+-[a-z]+[0-9]+")) {
      problems.error("location", "is '" + location + "'; use a Vertex AI region such as us-central1 or europe-west4, or 'global'");
    }

    InputSpec input = new InputReader(dir, problems, project).read(root.get("input"));
    Set<String> vars = new java.util.HashSet<>(InputReader.variables(input));
    vars.addAll(stepPrefixes);
    boolean inputRead = input.files().isPresent() || input.table().isPresent();

    boolean requestFile = input.requests().isPresent();
    if (requestFile && root.has("prompt")) {
      problems.error("prompt", "cannot be used with input.requests: each line's request is sent as written; put the "
          + "instructions in the request lines, or use input.files or input.table with a prompt");
    }
    PromptTemplate[] prompt = requestFile ? new PromptTemplate[] {PromptTemplate.parse(""), PromptTemplate.parse("")}
        : new PromptReader(dir, problems).read(root.get("prompt"), inputRead ? vars : null);
    Set<String> used = new java.util.HashSet<>(prompt[0].variables());
    used.addAll(prompt[1].variables());
    input = InputReader.withColumns(input, used);
    Path schemaFile = null;
    ResultSchema resultSchema = null;
    com.google.cloud.aiplatform.v1.Schema responseSchema = null;
    Optional<String> schemaPath = text(root, "schema");
    if (schemaPath.isEmpty() && requestFile) {
      // A request file needs no schema: answers are taken as JSON or text (one given validates them).
    } else if (schemaPath.isEmpty()) {
      problems.error("schema", "is missing; give a JSON Schema file for the structured result, e.g. schema: schema.json");
    } else {
      schemaFile = dir.resolve(schemaPath.get()).normalize();
      JsonNode schemaNode = readJsonFile(schemaFile, "schema");
      if (schemaNode != null) {
        try {
          resultSchema = new ResultSchema(schemaNode);
        } catch (RuntimeException e) {
          problems.error("schema", "file " + schemaFile + " is not a usable JSON Schema: " + e.getMessage());
        }
        SchemaConverter.Result converted = SchemaConverter.convert(schemaNode);
        String shown = "(" + schemaFile.getFileName() + ") ";
        converted.errors().forEach(m -> problems.error("schema", shown + m));
        converted.warnings().forEach(m -> problems.warn("schema", shown + m));
        responseSchema = converted.schema();
      }
    }

    JsonNode gen = root.path("generation");
    GenerationConfig generation = new GenerationReader(problems).read(gen);
    List<SafetySetting> safety = safety(gen.get("safety"));
    Map<String, String> labels = labels(root.get("labels"));
    Optional<String> staging = text(root, "staging");
    if (backend == JobSpec.Backend.VERTEX && staging.isPresent() && !staging.get().startsWith("gs://")) {
      problems.error("staging", "is '" + staging.get() + "'; the vertex backend stages to Cloud Storage: use a gs://BUCKET/PREFIX");
    }
    if (backend == JobSpec.Backend.VERTEX && staging.isEmpty()) {
      problems.error("staging", "is missing; the vertex backend needs a gs://BUCKET/PREFIX to stage requests and read predictions");
    }
    if (backend == JobSpec.Backend.EMULATOR && staging.isPresent() && staging.get().contains("://")) {
      problems.error("staging", "is '" + staging.get() + "', and the emulator backend stages to a local directory; give a "
          + "directory (or leave staging out for HOME/staging), or set project: to run on Vertex AI");
    }
    if (backend == JobSpec.Backend.EMULATOR && input.files().flatMap(InputSpec.Files::cloudRoot).isPresent()) {
      problems.error("input.files", "is a gs:// prefix, and the emulator backend reads local files only; set backend: vertex "
          + "(with project and staging), or copy the files down and give their directory");
    }
    if (backend == JobSpec.Backend.EMULATOR && input.table().flatMap(InputSpec.Table::bigquery).isPresent()) {
      problems.error("input.table.bigquery", "names a BigQuery table, and the emulator backend reads local files only; set backend: "
          + "vertex (with project and staging), or export the table to a CSV or JSONL file and give its path");
    }
    staging = staging.map(s -> s.startsWith("gs://") ? s : dir.resolve(s).normalize().toString());
    ResultsReader results = new ResultsReader(problems, backend);
    ResultsReader.Output output = results.output(root.get("output"), dir);
    Optional<String> resultsTable = results.table(text(root, "resultsTable"), project, location);
    Optional<String> resultsUri = results.uri(text(root, "resultsUri"));
    Optional<String> stagingDataset = results.dataset(text(root, "stagingDataset"), project, location);
    JobSpec.Limits limits = limits(root.get("limits"));
    ModeReader.Modes modes = new ModeReader(problems).read(root);

    List<String> warnings = new ArrayList<>(problems.warnings());
    return new JobSpec(file, name, model, backend, project, location, input, prompt[0], prompt[1],
        schemaFile, resultSchema, responseSchema, generation, safety, labels, staging, stagingDataset, output.path(), output.formats(), resultsTable, resultsUri, limits,
        modes.retryRounds(), modes.mode(), modes.retryMode(), modes.online(), List.copyOf(warnings), List.of());
  }

  /** SnakeYAML's message without its excerpt and caret lines. */
  static String oneLine(String message) {
    return message.lines().filter(l -> !l.isBlank() && !l.startsWith(" ") && !l.startsWith("\t"))
        .map(String::trim).reduce((a, b) -> a + "; " + b).orElse(message);
  }

  /**
   * The name a spec without 'name' gets: its folder's name made into a valid Vertex label value
   * ("My Job Dir" becomes "my-job-dir"), since the user did not choose it and cannot be blamed for it.
   */
  private String defaultName() {
    Path parent = file.toAbsolutePath().getParent();
    String folder = parent == null || parent.getFileName() == null ? "" : parent.getFileName().toString();
    String candidate = folder.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_-]+", "-")
        .replaceFirst("^[^a-z]+", "").replaceFirst("-+$", "");
    candidate = candidate.length() > 63 ? candidate.substring(0, 63).replaceFirst("-+$", "") : candidate;
    return candidate.isEmpty() ? "job" : candidate;
  }

  private JobSpec.Backend backend(JsonNode root, Optional<String> project) {
    Optional<String> value = text(root, "backend");
    if (value.isEmpty()) {
      return project.isPresent() ? JobSpec.Backend.VERTEX : JobSpec.Backend.EMULATOR;
    }
    return switch (value.get()) {
      case "emulator" -> JobSpec.Backend.EMULATOR;
      case "vertex" -> JobSpec.Backend.VERTEX;
      default -> {
        problems.error("backend", "is '" + value.get() + "'; use 'emulator' (local, the default without a project) or 'vertex'");
        yield JobSpec.Backend.EMULATOR;
      }
    };
  }

  private JsonNode readJsonFile(Path path, String property) {
    try {
      String text = Files.readString(path);
      return path.toString().endsWith(".yaml") || path.toString().endsWith(".yml")
          ? Json.YAML.readTree(text) : Json.MAPPER.readTree(text);
    } catch (NoSuchFileException e) {
      problems.error(property, "names " + path + ", which does not exist");
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      problems.error(property, "file " + path + " is not valid JSON" + where + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      problems.error(property, "file " + path + " cannot be read: " + e.getMessage());
    }
    return null;
  }

  private List<SafetySetting> safety(JsonNode node) {
    List<SafetySetting> out = new ArrayList<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isArray()) {
      problems.error("generation.safety", "must be a list of {category, threshold}");
      return out;
    }
    int i = 0;
    for (JsonNode s : node) {
      String p = "generation.safety[" + i++ + "]";
      problems.unknownKeys(s, Set.of("category", "threshold"), p + ".");
      String category = s.path("category").asText();
      String threshold = s.path("threshold").asText();
      List<String> categories = enumNames(HarmCategory.values(), "HARM_CATEGORY_UNSPECIFIED");
      List<String> thresholds = enumNames(SafetySetting.HarmBlockThreshold.values(), "HARM_BLOCK_THRESHOLD_UNSPECIFIED");
      boolean ok = true;
      if (!categories.contains(category)) {
        problems.error(p + ".category", "is '" + category + "'; use one of " + String.join(", ", categories));
        ok = false;
      }
      if (!thresholds.contains(threshold)) {
        problems.error(p + ".threshold", "is '" + threshold + "'; use one of " + String.join(", ", thresholds));
        ok = false;
      }
      if (ok) {
        out.add(SafetySetting.newBuilder()
            .setCategory(HarmCategory.valueOf(category))
            .setThreshold(SafetySetting.HarmBlockThreshold.valueOf(threshold))
            .build());
      }
    }
    return out;
  }

  private static List<String> enumNames(Enum<?>[] values, String unspecified) {
    return Arrays.stream(values).map(Enum::name)
        .filter(n -> !n.equals(unspecified) && !n.equals("UNRECOGNIZED")).toList();
  }

  private Map<String, String> labels(JsonNode node) {
    Map<String, String> out = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isObject()) {
      problems.error("labels", "must be a mapping of label keys to values");
      return out;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      String value = e.getValue().asText();
      String p = "labels." + key;
      if (!key.matches("[a-z][a-z0-9_-]{0,62}")) {
        problems.error(p, "has an invalid key; Vertex label keys are 1 to 63 lowercase letters, digits, '-' or '_', starting with a letter");
      } else if (LABEL_KEYS_RESERVED.contains(key)) {
        problems.error(p, "is reserved: vbatch sets it to find its own jobs");
      }
      if (!value.matches("[a-z0-9_-]{0,63}")) {
        problems.error(p, "has the value '" + value + "'; Vertex label values are at most 63 lowercase letters, digits, '-' or '_'");
      }
      out.put(key, value);
    }
    if (out.size() > 61) {
      problems.error("labels", "has " + out.size() + " labels; Vertex allows 64 per job and vbatch uses 4");
    }
    return out;
  }

  private JobSpec.Limits limits(JsonNode node) {
    JobSpec.Limits d = JobSpec.Limits.defaults();
    if (node == null || node.isNull()) {
      return d;
    }
    problems.unknownKeys(node, Set.of("maxRequestsPerShard", "maxShardBytes", "maxInlineTextBytes", "maxWait"), "limits.");
    long perShard = problems.range(node, "maxRequestsPerShard", "limits.maxRequestsPerShard", 1, JobSpec.Limits.MAX_REQUESTS_PER_JOB, d.maxRequestsPerShard(), "Vertex takes at most 200,000 requests per batch job");
    long shardBytes = problems.range(node, "maxShardBytes", "limits.maxShardBytes", 1024, JobSpec.Limits.MAX_SHARD_BYTES, d.maxShardBytes(), "Vertex reads input files of at most 1 GB");
    long inline = problems.range(node, "maxInlineTextBytes", "limits.maxInlineTextBytes", 0, 20_000_000, d.maxInlineTextBytes(), "text larger than this is sent as a file or skipped");
    Duration maxWait = d.maxWait();
    JsonNode w = node.get("maxWait");
    if (w != null && !w.isNull()) {
      try {
        maxWait = Durations.parse(w.asText());
        if (maxWait.compareTo(Duration.ofMinutes(1)) < 0 || maxWait.compareTo(Duration.ofDays(7)) > 0) {
          problems.error("limits.maxWait", "is " + w.asText() + "; allowed 1m to 7d (Vertex expires a job queued for 72h)");
          maxWait = d.maxWait();
        }
      } catch (IllegalArgumentException e) {
        problems.error("limits.maxWait", "is '" + w.asText() + "'; " + e.getMessage());
      }
    }
    return new JobSpec.Limits((int) perShard, shardBytes, inline, maxWait);
  }

  private Optional<String> text(JsonNode root, String key) {
    JsonNode v = root.get(key);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isValueNode()) {
      problems.error(key, "must be a single value, not a " + (v.isArray() ? "list" : "mapping"));
      return Optional.empty();
    }
    return Optional.of(v.asText().trim()).filter(s -> !s.isEmpty());
  }


}
