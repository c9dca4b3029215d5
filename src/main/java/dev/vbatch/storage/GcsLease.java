package dev.vbatch.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import dev.vbatch.util.Json;
import dev.vbatch.util.TimeSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A lease on a name, kept as an object under a gs:// prefix, for machines that share a run state
 * there (--state gs://): two containers never drive one run. The object says who holds it and until
 * when. It is created only if absent and replaced only at the generation that was read (Cloud
 * Storage's preconditions), so of two machines racing for it exactly one wins; it is renewed while
 * its holder lives and taken over only after it has lapsed, so a machine that died frees it after
 * one lease time, and one that is alive never loses it to another.
 */
public final class GcsLease {
  /** The name is leased to another holder until {@code until}. */
  public record Taken(String holder, Instant until) {}

  private final Storage storage;
  private final String bucket;
  private final String prefix;
  private final String owner;
  private final String holder;
  private final Duration ttl;
  private final TimeSource time;
  /** Name → the generation of our lease object, for each name we hold. */
  private final Map<String, Long> held = new ConcurrentHashMap<>();

  /**
   * Leases under {@code gsPrefix} (gs://BUCKET/PREFIX/) for one holder: {@code owner} tells this
   * holder's leases from others' (a random id per process), {@code holder} says who it is to a person.
   */
  public GcsLease(Storage storage, String gsPrefix, String owner, String holder, Duration ttl, TimeSource time) {
    BlobId root = GcsBlobStore.parse(gsPrefix.endsWith("/") ? gsPrefix : gsPrefix + "/");
    this.storage = storage;
    this.bucket = root.getBucket();
    this.prefix = root.getName();
    this.owner = owner;
    this.holder = holder;
    this.ttl = ttl;
    this.time = time;
  }

  /** The lease time: how long a holder that stopped renewing keeps the name. */
  public Duration ttl() {
    return ttl;
  }

  /** Takes {@code name}, or says who holds it; empty when this holder now has it. */
  public Optional<Taken> tryAcquire(String name) throws IOException {
    BlobId id = BlobId.of(bucket, prefix + name);
    for (int attempt = 0; attempt < 5; attempt++) {
      Blob current;
      try {
        current = storage.get(id);
      } catch (StorageException e) {
        throw new IOException("cannot read the lease gs://" + bucket + "/" + id.getName() + ": " + e.getMessage(), e);
      }
      if (current != null) {
        JsonNode lease = read(current);
        Instant until = Instant.parse(lease.path("until").asText(Instant.EPOCH.toString()));
        boolean ours = owner.equals(lease.path("owner").asText());
        if (!ours && time.now().isBefore(until)) {
          return Optional.of(new Taken(lease.path("holder").asText("another vbatch process"), until));
        }
      }
      Optional<Long> generation = write(id, current == null ? 0L : current.getGeneration());
      if (generation.isPresent()) {
        held.put(name, generation.get());
        return Optional.empty();
      }
      // Another holder wrote it between our read and our write: read again.
    }
    throw new IOException("the lease gs://" + bucket + "/" + id.getName() + " keeps changing; try again");
  }

  /**
   * Writes every held lease again with a new expiry, at the generation last written; a name whose
   * lease another holder took (ours had lapsed) is dropped and returned, so the caller can stop.
   */
  public java.util.List<String> renew() throws IOException {
    java.util.List<String> lost = new java.util.ArrayList<>();
    for (Map.Entry<String, Long> e : held.entrySet()) {
      Optional<Long> generation = write(BlobId.of(bucket, prefix + e.getKey()), e.getValue());
      if (generation.isPresent()) {
        held.put(e.getKey(), generation.get());
      } else {
        held.remove(e.getKey());
        lost.add(e.getKey());
      }
    }
    return lost;
  }

  /** Gives every held name up, deleting each lease object only at the generation this holder wrote. */
  public void releaseAll() {
    for (Map.Entry<String, Long> e : held.entrySet()) {
      try {
        storage.delete(BlobId.of(bucket, prefix + e.getKey(), e.getValue()), Storage.BlobSourceOption.generationMatch());
      } catch (StorageException ignored) {
        // Taken over after it lapsed, or already gone: it is not ours to delete.
      }
    }
    held.clear();
  }

  /** Writes our lease over {@code generation} (0: only if absent); its new generation, or empty if we lost a race. */
  private Optional<Long> write(BlobId id, long generation) throws IOException {
    String body = Json.write(Json.object().put("owner", owner).put("holder", holder)
        .put("until", time.now().plus(ttl).toString()));
    BlobInfo info = BlobInfo.newBuilder(generation == 0 ? BlobId.of(id.getBucket(), id.getName())
        : BlobId.of(id.getBucket(), id.getName(), generation)).setContentType("application/json").build();
    Storage.BlobWriteOption condition = generation == 0 ? Storage.BlobWriteOption.doesNotExist()
        : Storage.BlobWriteOption.generationMatch();
    try (WriteChannel channel = storage.writer(info, condition)) {
      channel.write(ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)));
    } catch (StorageException e) {
      if (lostRace(e)) {
        return Optional.empty();
      }
      throw new IOException("cannot write the lease gs://" + id.getBucket() + "/" + id.getName() + ": " + e.getMessage(), e);
    }
    Blob written = storage.get(id);
    return written == null ? Optional.empty() : Optional.of(written.getGeneration());
  }

  /**
   * A precondition that did not hold: 412 from Cloud Storage; the in-memory Storage of the tests says
   * it with a FileAlreadyExistsException or a 404 "Generation mismatch".
   */
  private static boolean lostRace(StorageException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof FileAlreadyExistsException) {
        return true;
      }
    }
    return e.getCode() == 412 || (e.getCode() == 404 && String.valueOf(e.getMessage()).contains("Generation mismatch"));
  }

  private static JsonNode read(Blob blob) {
    try {
      return Json.MAPPER.readTree(blob.getContent());
    } catch (IOException | RuntimeException e) {
      return Json.object(); // unreadable: treated as lapsed
    }
  }
}
