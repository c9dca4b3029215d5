package dev.vbatch.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.aiplatform.v1.GenerateContentRequest;
import dev.vbatch.request.RequestKey;
import dev.vbatch.storage.BlobStore;
import dev.vbatch.util.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The requests staged in a round's shard files, read back lazily one line at a time, each with its
 * key: what a retry round copies into new shards and what an online round sends.
 */
final class StagedRequests implements Iterator<StagedRequests.Entry>, AutoCloseable {
  /** One staged request: its key, its JSON as staged, and the request. */
  record Entry(String key, JsonNode json, GenerateContentRequest request) {}

  private final BlobStore store;
  private final Iterator<RunState.ShardState> shards;
  private BufferedReader reader;
  private Entry next;

  StagedRequests(BlobStore store, List<RunState.ShardState> shards) {
    this.store = store;
    this.shards = shards.iterator();
  }

  @Override
  public boolean hasNext() {
    try {
      while (next == null) {
        if (reader == null) {
          if (!shards.hasNext()) {
            return false;
          }
          reader = new BufferedReader(new InputStreamReader(store.open(shards.next().inputUri), StandardCharsets.UTF_8));
        }
        String line = reader.readLine();
        if (line == null) {
          reader.close();
          reader = null;
        } else if (!line.isBlank()) {
          JsonNode json = Json.read(line).get("request");
          GenerateContentRequest request = RequestKey.parseEcho(json);
          next = new Entry(RequestKey.of(request), json, request);
        }
      }
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Entry next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Entry e = next;
    next = null;
    return e;
  }

  @Override
  public void close() throws IOException {
    if (reader != null) {
      reader.close();
    }
  }
}
