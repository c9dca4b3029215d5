package dev.vbatch.storage;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import dev.vbatch.util.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Keeps a copy of vbatch's run state (HOME/runs, HOME/chains and HOME/answers) under a gs://
 * prefix, so a container that starts on a fresh disk resumes the run an earlier container left
 * unfinished. On open, the state is copied down; from then on, every file written atomically under
 * those folders (state.json after each step, the item ledger, round outcomes) is copied up as soon
 * as it is written, in order; on close, anything else that changed (an online checkpoint appended
 * to) is copied up too. Emulator data and local staging are not mirrored.
 */
public final class StateMirror implements AutoCloseable {
  static final List<String> FOLDERS = List.of("runs", "chains", "answers");

  private final Storage storage;
  private final String bucket;
  private final String prefix;
  private final Path home;
  /** Path under home → size and modification time last copied up (or down). */
  private final Map<String, String> synced = new ConcurrentHashMap<>();
  private AtomicFiles.Listener listener;

  public StateMirror(Storage storage, String gsPrefix, Path home) {
    BlobId root = GcsBlobStore.parse(gsPrefix.endsWith("/") ? gsPrefix : gsPrefix + "/");
    this.storage = storage;
    this.bucket = root.getBucket();
    this.prefix = root.getName();
    this.home = home.toAbsolutePath().normalize();
  }

  /**
   * Copies the state down (files whose local copy already has the object's checksum are kept), then
   * copies every later write up. Returns how many files came down.
   */
  public int open() throws IOException {
    int pulled = pull();
    listener = this::written;
    AtomicFiles.addListener(listener);
    return pulled;
  }

  /** Copies down what changed under the prefix since the last copy; how many files came down. */
  public int pull() throws IOException {
    int n = 0;
    try {
      for (Blob blob : storage.list(bucket, Storage.BlobListOption.prefix(prefix)).iterateAll()) {
        String rel = blob.getName().substring(prefix.length());
        if (rel.isEmpty() || rel.endsWith("/") || FOLDERS.stream().noneMatch(f -> rel.startsWith(f + "/"))) {
          continue;
        }
        Path local = home.resolve(rel).normalize();
        if (!local.startsWith(home)) {
          continue;
        }
        // A local copy with the object's checksum (a workstation that pulled before) is not fetched again.
        if (blob.getCrc32c() == null || !Files.exists(local) || !blob.getCrc32c().equals(crc32c(local))) {
          byte[] bytes = storage.readAllBytes(blob.getBlobId());
          AtomicFiles.write(local, out -> out.write(bytes), false);
          n++;
        }
        synced.put(rel, stamp(local));
      }
    } catch (StorageException e) {
      throw GcsBlobStore.translate(e, "gs://" + bucket + "/" + prefix);
    }
    return n;
  }

  /** Copies up every mirrored file that changed since it was last copied. Returns how many went up. */
  public int push() throws IOException {
    int n = 0;
    for (String folder : FOLDERS) {
      Path dir = home.resolve(folder);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      List<Path> files;
      try (Stream<Path> s = Files.walk(dir)) {
        files = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
      }
      for (Path f : files) {
        String rel = home.relativize(f).toString().replace('\\', '/');
        if (!stamp(f).equals(synced.get(rel))) {
          upload(f, rel);
          n++;
        }
      }
    }
    return n;
  }

  private void written(Path file) throws IOException {
    Path abs = file.toAbsolutePath().normalize();
    if (!abs.startsWith(home)) {
      return;
    }
    String rel = home.relativize(abs).toString().replace('\\', '/');
    if (FOLDERS.stream().anyMatch(f -> rel.startsWith(f + "/"))) {
      upload(abs, rel);
    }
  }

  private void upload(Path file, String rel) throws IOException {
    String stamp = stamp(file);
    try {
      storage.createFrom(BlobInfo.newBuilder(BlobId.of(bucket, prefix + rel)).setContentType("application/octet-stream").build(), file);
    } catch (StorageException e) {
      throw GcsBlobStore.translate(e, "gs://" + bucket + "/" + prefix + rel);
    }
    synced.put(rel, stamp);
  }

  /** Cloud Storage's form of a CRC32C: the four bytes, big-endian, in base64. */
  public static String crc32c(Path file) throws IOException {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    byte[] buf = new byte[64 * 1024];
    try (java.io.InputStream in = Files.newInputStream(file)) {
      for (int r; (r = in.read(buf)) > 0; ) {
        crc.update(buf, 0, r);
      }
    }
    return java.util.Base64.getEncoder().encodeToString(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  private static String stamp(Path file) throws IOException {
    return Files.size(file) + "@" + Files.getLastModifiedTime(file).toMillis();
  }

  /** Stops copying writes up, and copies up what changed since. */
  @Override
  public void close() throws IOException {
    if (listener != null) {
      AtomicFiles.removeListener(listener);
      listener = null;
    }
    push();
  }
}
