package dev.vbatch.run;

import com.google.cloud.aiplatform.v1.Content;
import com.google.cloud.aiplatform.v1.GenerateContentRequest;
import dev.vbatch.event.Event;
import dev.vbatch.event.EventSink;
import dev.vbatch.input.Attachment;
import dev.vbatch.input.MimeTypes;
import dev.vbatch.input.PlannedItem;
import dev.vbatch.request.RequestBuilder;
import dev.vbatch.request.RequestKey;
import dev.vbatch.storage.BlobStore;
import dev.vbatch.storage.Uploads;
import dev.vbatch.results.AnswerStore;
import dev.vbatch.results.Outcome;
import dev.vbatch.util.CrashPoints;
import dev.vbatch.util.Hashing;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;

/**
 * Builds one request per sendable item, keys it, and hands each distinct request once to the shard
 * sink; identical requests share a key and are sent once. Files are staged content-addressed
 * ({@code files/SHA256.EXT}) and uploaded only when absent; files already in Cloud Storage are
 * referenced where they are, and their version joins the key under which answers are reused. With
 * {@code upload} false nothing is written (plan).
 */
public final class RequestStep {
  private RequestStep() {}

  public static Requests run(Plan plan, BlobStore store, ShardSink sink, boolean upload, EventSink events)
      throws IOException {
    return run(plan, store, sink, upload, Map.of(), events);
  }

  /**
   * As above, but a request whose key is in {@code answered} is not sent (nor its file uploaded):
   * its earlier answer is reused.
   */
  public static Requests run(Plan plan, BlobStore store, ShardSink sink, boolean upload,
      Map<String, Outcome> answered, EventSink events) throws IOException {
    events.emit(new dev.vbatch.event.Event.Stage("build"));
    try (Uploads uploads = new Uploads(store, store.uploadParallelism())) {
      return run(plan, store, sink, upload, answered, events, uploads);
    }
  }

  private static Requests run(Plan plan, BlobStore store, ShardSink sink, boolean upload,
      Map<String, Outcome> answered, EventSink events, Uploads uploads) throws IOException {
    RequestBuilder builder = new RequestBuilder(plan.spec());
    List<String> keys = new ArrayList<>(plan.items().size());
    List<String> versions = new ArrayList<>(plan.items().size());
    Map<String, Integer> shardOfKey = new HashMap<>();
    Set<String> staged = new HashSet<>();
    Map<String, Outcome> reused = new HashMap<>();
    long inTokens = 0;
    long outTokens = 0;
    int done = 0;
    int perRequestOutput = estimateOutputTokens(plan);
    // Every distinct request is checked against the rules of Vertex's input importer before it is
    // staged; the key path shapes are learned over the whole run (stricter than one shard).
    dev.vbatch.request.ImportCheck importCheck = new dev.vbatch.request.ImportCheck();
    for (PlannedItem p : plan.items()) {
      if (p.isSkipped()) {
        keys.add(null);
        versions.add(null);
        continue;
      }
      String uri = "";
      String path = null;
      String version = null;
      if (p.attachment().isPresent() && p.attachment().get().isRemote()) {
        uri = p.attachment().get().remote().uri();
        version = p.attachment().get().remote().version();
      } else if (p.attachment().isPresent() && !p.attachment().get().isInline()) {
        Attachment a = p.attachment().get();
        path = "files/" + Hashing.sha256Hex(a.file()) + "." + extension(a.mimeType());
        uri = store.uri(path);
      }
      GenerateContentRequest request = builder.build(p.item(), p.attachment(), uri,
          plan.history().getOrDefault(p.item().id(), List.of()));
      String key = RequestKey.of(request);
      keys.add(key);
      versions.add(version);
      Outcome earlier = answered.get(AnswerStore.key(key, version));
      if (earlier != null) {
        reused.put(key, earlier);
      } else if (!shardOfKey.containsKey(key)) {
        String json = RequestKey.toJson(request);
        var refused = importCheck.check(key, request);
        if (refused.isPresent()) {
          throw new dev.vbatch.request.RequestRefused(p.item().id(), refused.get());
        }
        if (path != null && upload && staged.add(path) && !store.exists(path)) {
          CrashPoints.hit("build.upload");
          uploads.upload(p.attachment().get().file(), path, p.attachment().get().mimeType());
        }
        shardOfKey.put(key, sink.add(key, json));
        inTokens += estimateInputTokens(request, p);
        outTokens += perRequestOutput;
      }
      if (++done % 500 == 0) {
        events.emit(new Event.Progress("build", done, plan.sendable(), "requests"));
      }
    }
    long uploaded = uploads.finish();
    events.emit(new Event.Progress("build", done, plan.sendable(), "requests"));
    if (uploaded > 0) {
      events.info("uploaded " + uploaded + " file(s), " + uploads.bytes() / 1024 + " KiB, to " + store.uri("files/"));
    }
    return new Requests(keys, versions, shardOfKey, shardOfKey.size(), sink.shards(), inTokens, outTokens, reused);
  }

  static String extension(String mime) {
    return switch (mime) {
      case "application/pdf" -> "pdf";
      case "image/png" -> "png";
      case "image/jpeg" -> "jpg";
      case "image/webp" -> "webp";
      case "text/markdown" -> "md";
      case "text/csv" -> "csv";
      case "application/json" -> "json";
      case "text/html" -> "html";
      default -> "txt";
    };
  }

  /** Gemini counts about 4 characters a token, 258 tokens an image or PDF page. */
  static long estimateInputTokens(GenerateContentRequest request, PlannedItem p) {
    long chars = request.getSystemInstruction().getPartsList().stream().mapToLong(x -> x.getText().length()).sum();
    for (var c : request.getContentsList()) {
      chars += c.getPartsList().stream().mapToLong(x -> x.getText().length()).sum();
    }
    long tokens = (chars + 3) / 4;
    for (var c : p.item().request().isPresent() ? request.getContentsList() : java.util.List.<Content>of()) {
      tokens += 258L * c.getPartsList().stream().filter(x -> x.hasFileData() || x.hasInlineData()).count();
    }
    if (p.attachment().isPresent() && !p.attachment().get().isInline()) {
      Attachment a = p.attachment().get();
      if (MimeTypes.IMAGES.contains(a.mimeType())) {
        tokens += 258;
      } else if (a.mimeType().equals("application/pdf")) {
        tokens += 258L * a.pages();
      } else {
        tokens += a.size() / 4;
      }
    }
    return tokens;
  }

  /** A rough guess from the schema's size, capped by maxOutputTokens. */
  static int estimateOutputTokens(Plan plan) {
    int leaves = plan.spec().resultSchema() == null ? 8 : countLeaves(plan.spec().resultSchema().node());
    int guess = 20 + 12 * Math.max(1, leaves);
    int cap = plan.spec().generation().getMaxOutputTokens();
    return cap > 0 ? Math.min(guess, cap) : guess;
  }

  private static int countLeaves(com.fasterxml.jackson.databind.JsonNode schema) {
    if (schema.has("properties")) {
      int n = 0;
      for (var it = schema.get("properties").elements(); it.hasNext(); ) {
        n += countLeaves(it.next());
      }
      return n;
    }
    if (schema.has("items")) {
      return 3 * countLeaves(schema.get("items"));
    }
    return 1;
  }
}
