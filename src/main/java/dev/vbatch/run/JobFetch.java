package dev.vbatch.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vbatch.results.Outcome;
import dev.vbatch.results.PredictionDecoder;
import dev.vbatch.results.Pricing;
import dev.vbatch.results.ResultWriter;
import dev.vbatch.results.Usage;
import dev.vbatch.storage.BlobStore;
import dev.vbatch.util.AtomicFiles;
import dev.vbatch.util.ByteLines;
import dev.vbatch.util.Json;
import dev.vbatch.vertex.BatchJob;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The results of a batch job vbatch did not submit (made in the console, a notebook, another tool):
 * its output, found through outputInfo (files or a BigQuery table), is decoded line by line with the
 * decoder vbatch's own runs use (status, blocks, truncation, JSON, the schema when one is given),
 * and written as results.jsonl, failures.jsonl and summary.json, one line per prediction, keyed by
 * its request. An item's source is what its request asked: its text and the files it named.
 */
public final class JobFetch {
  private JobFetch() {}

  /** What was written. */
  public record Fetched(ResultWriter.Counts counts, Usage usage, long files) {}

  public static Fetched write(BatchJob job, BlobStore store, PredictionDecoder decoder, Path outDir) throws IOException {
    String directory = job.outputDirectory().orElseThrow(() -> new IOException("job " + job.name() + " is "
        + job.state() + " and has no output yet; fetch it once it has ended ('vbatch jobs' shows its state)"));
    List<String> uris = store.list(directory).stream().filter(u -> u.endsWith(".jsonl") || u.startsWith("bq://")).toList();
    Usage[] usage = {Usage.NONE};
    ResultWriter.Counts counts = ResultWriter.write(outDir, sink -> {
      for (String uri : uris) {
        try (InputStream in = store.open(uri)) {
          ByteLines lines = new ByteLines(in);
          long lineNo = 0;
          while (lines.next()) {
            lineNo++;
            if (lines.isBlank()) {
              continue;
            }
            byte[] line = lines.copy();
            PredictionDecoder.Decoded d = decoder.decode(line);
            Outcome o = d.outcome();
            usage[0] = usage[0].plus(o.usage());
            String key = d.key() != null ? d.key() : "line-" + lineNo;
            sink.add(new ResultWriter.Line(source(line, uri, lineNo), key, o, 1, false));
          }
        }
      }
    });
    ObjectNode summary = Json.object();
    summary.put("job", job.name()).put("displayName", job.displayName()).put("state", job.state().name())
        .put("model", job.model()).put("output", directory);
    summary.put("items", counts.items()).put("succeeded", counts.succeeded()).put("failed", counts.failed())
        .put("skipped", counts.skipped());
    summary.set("byReason", Json.MAPPER.valueToTree(counts.byReason()));
    summary.putObject("tokens").put("prompt", usage[0].prompt()).put("candidates", usage[0].candidates())
        .put("thoughts", usage[0].thoughts()).put("total", usage[0].total());
    ObjectNode cost = summary.putObject("cost");
    Pricing.online(job.model()).ifPresentOrElse(rates -> {
      cost.put("batchUsd", round(Pricing.cost(rates, usage[0].prompt(), usage[0].candidates() + usage[0].thoughts(), true)));
      cost.put("onlineUsd", round(Pricing.cost(rates, usage[0].prompt(), usage[0].candidates() + usage[0].thoughts(), false)));
      cost.put("pricesAsOf", Pricing.asOf());
    }, () -> cost.put("note", "no price known for model " + job.model()));
    AtomicFiles.writeString(outDir.resolve("summary.json"), Json.PRETTY.writeValueAsString(summary) + "\n");
    return new Fetched(counts, usage[0], uris.size());
  }

  /**
   * What a prediction's request asked, as a person would name it: its first text (cut at 80
   * characters) and the files it named; the line's place when the request was not echoed.
   */
  static String source(byte[] line, String uri, long lineNo) {
    JsonNode request;
    try {
      request = Json.MAPPER.readTree(line).path("request");
    } catch (IOException e) {
      return uri + " line " + lineNo;
    }
    String text = null;
    List<String> files = new ArrayList<>();
    for (JsonNode content : request.path("contents")) {
      for (JsonNode part : content.path("parts")) {
        if (text == null && part.hasNonNull("text") && !part.path("text").asText().isBlank()) {
          text = part.path("text").asText().strip().replaceAll("\\s+", " ");
        }
        JsonNode file = part.has("fileData") ? part.path("fileData") : part.path("file_data");
        String fileUri = file.has("fileUri") ? file.path("fileUri").asText() : file.path("file_uri").asText("");
        if (!fileUri.isEmpty()) {
          files.add(fileUri);
        }
      }
    }
    if (text == null && files.isEmpty()) {
      return uri + " line " + lineNo;
    }
    String shown = text == null ? "" : text.length() > 80 ? text.substring(0, 79) + "…" : text;
    return files.isEmpty() ? shown : (shown.isEmpty() ? "" : shown + " ") + String.join(" ", files);
  }

  private static double round(double usd) {
    return Math.round(usd * 1_000_000) / 1_000_000.0;
  }

  /** For tests: the source of a line given as text. */
  static String source(String line) {
    return source(line.getBytes(StandardCharsets.UTF_8), "predictions.jsonl", 1);
  }
}
