package dev.vbatch.results;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Successful answers of earlier runs, by model and request key ({@code HOME/answers/RUN.jsonl},
 * one file per run, written once when the run ends). The key covers the prompt, schema, generation
 * settings and the content of any file, so the same key under the same model is the same question:
 * a later run reuses its answer instead of paying for it again.
 */
public final class AnswerStore {
  private final Path dir;

  public AnswerStore(Path dir) {
    this.dir = dir;
  }

  /**
   * The key an answer is stored and looked up under: the request key, joined with the version of
   * the Cloud Storage file the request references, if any. A request names such a file by URI only,
   * so without its version a replaced file would get the old file's answer.
   */
  public static String key(String requestKey, String version) {
    return version == null ? requestKey : requestKey + "@" + version;
  }

  /** Every stored answer for {@code model}, by key; later runs' answers win. */
  public Map<String, Outcome> answers(String model) throws IOException {
    Map<String, Outcome> out = new HashMap<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().toList();
    }
    for (Path f : files) {
      out.putAll(OutcomeFile.read(f, n -> model.equals(n.path("model").asText())
          && "SUCCEEDED".equals(n.path("status").asText())));
    }
    return out;
  }

  /**
   * Records the successful answers {@code body} hands over, streamed; writing the same run again
   * replaces its file, and a run with none leaves no file.
   */
  public void record(String runId, String model, OutcomeFile.Body body) throws IOException {
    Path file = dir.resolve(runId + ".jsonl");
    long[] added = new long[1];
    OutcomeFile.write(file, Map.of("model", model, "runId", runId), sink -> body.writeTo((key, outcome) -> {
      added[0]++;
      sink.add(key, outcome);
    }));
    if (added[0] == 0) {
      Files.delete(file);
    }
  }
}
