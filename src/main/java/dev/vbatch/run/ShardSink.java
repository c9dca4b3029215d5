package dev.vbatch.run;

import dev.vbatch.spec.JobSpec;
import dev.vbatch.storage.BlobStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts request lines into JSONL shards of at most maxRequestsPerShard lines and maxShardBytes
 * bytes. With a store it streams each shard to it; without one it only counts (for plan). Each line
 * carries its request's key in a {@code vbatch_key} field beside the request: Vertex echoes a line's
 * other keys into its prediction (and passes a request table's other columns through), so a
 * prediction is matched by it first and by its echoed request as the cross-check and the fallback.
 */
public final class ShardSink implements AutoCloseable {
  /** A finished shard. */
  public record Shard(int index, String path, int requests, long bytes) {}

  private final JobSpec.Limits limits;
  private final BlobStore store;
  private final String prefix;
  private final List<Shard> shards = new ArrayList<>();
  private OutputStream out;
  private int lines;
  private long bytes;

  public ShardSink(JobSpec.Limits limits, BlobStore store, String prefix) {
    this.limits = limits;
    this.store = store;
    this.prefix = prefix;
  }

  /** A sink for a run of {@code spec}. */
  public static ShardSink of(JobSpec spec, BlobStore store, String prefix) {
    return new ShardSink(spec.limits(), store, prefix);
  }

  /** Adds one request line and returns the index of the shard it went into. */
  public int add(String requestJson) throws IOException {
    return add(null, requestJson);
  }

  /** Adds the request line of {@code key}, written with it. */
  public int add(String key, String requestJson) throws IOException {
    String head = key != null ? "{\"vbatch_key\":\"" + dev.vbatch.request.RequestKey.tagged(key) + "\",\"request\":"
        : "{\"request\":";
    byte[] line = (head + requestJson + "}\n").getBytes(StandardCharsets.UTF_8);
    if (lines > 0 && (lines >= limits.maxRequestsPerShard() || bytes + line.length > limits.maxShardBytes())) {
      finish();
    }
    if (lines == 0 && store != null) {
      out = store.create(path(shards.size()), "application/jsonl");
    }
    if (out != null) {
      out.write(line);
    }
    lines++;
    bytes += line.length;
    return shards.size();
  }

  private String path(int index) {
    return prefix + String.format("shard-%05d.jsonl", index);
  }

  private void finish() throws IOException {
    if (lines == 0) {
      return;
    }
    if (out != null) {
      out.close();
      out = null;
    }
    shards.add(new Shard(shards.size(), path(shards.size()), lines, bytes));
    lines = 0;
    bytes = 0;
  }

  /** Closes the last shard and returns them all. */
  public List<Shard> shards() throws IOException {
    finish();
    return List.copyOf(shards);
  }

  @Override
  public void close() throws IOException {
    if (out != null) {
      out.close();
    }
  }
}
