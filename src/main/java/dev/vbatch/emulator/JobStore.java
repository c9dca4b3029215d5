package dev.vbatch.emulator;

import com.google.cloud.aiplatform.v1.BatchPredictionJob;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.vbatch.util.AtomicFiles;
import dev.vbatch.util.Json;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The emulator's jobs in a directory ({@code jobs/ID/job.json} and {@code emulated.json}), so that
 * separate processes see the same jobs. Each job is changed under a file lock.
 */
final class JobStore {
  private final Path jobsDir;

  JobStore(Path dataDir) throws IOException {
    this.jobsDir = dataDir.resolve("jobs");
    Files.createDirectories(jobsDir);
  }

  /** A job and its emulator state, read together. */
  record Entry(BatchPredictionJob job, EmulatedJob emulated) {}

  /** Something done to a job while it is locked; returns the new entry to store. */
  interface Change {
    Entry apply(Entry current) throws IOException;
  }

  void create(Entry entry) throws IOException {
    Path dir = jobsDir.resolve(entry.emulated().id);
    Files.createDirectories(dir);
    save(dir, entry);
  }

  Optional<Entry> update(String id, Change change) throws IOException {
    Path dir = jobsDir.resolve(id);
    if (!Files.isDirectory(dir) || !id.matches("[0-9]+")) {
      return Optional.empty();
    }
    try (FileChannel lockChannel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockChannel.lock()) {
      if (!Files.exists(dir.resolve("job.json"))) {
        return Optional.empty();
      }
      Entry updated = change.apply(load(dir));
      save(dir, updated);
      return Optional.of(updated);
    }
  }

  /** The job as stored, unchanged; empty when it does not exist or cannot be read. */
  Optional<Entry> read(String id) {
    Path dir = jobsDir.resolve(id);
    try {
      return Files.exists(dir.resolve("job.json")) ? Optional.of(load(dir)) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  List<String> ids() throws IOException {
    List<String> ids = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(jobsDir)) {
      dirs.filter(d -> Files.exists(d.resolve("job.json"))).map(d -> d.getFileName().toString())
          .sorted(Comparator.reverseOrder()).forEach(ids::add);
    }
    return ids;
  }

  boolean delete(String id) throws IOException {
    Path dir = jobsDir.resolve(id);
    if (!Files.isDirectory(dir)) {
      return false;
    }
    return dev.vbatch.util.Trees.delete(dir);
  }

  private static Entry load(Path dir) throws IOException {
    BatchPredictionJob.Builder b = BatchPredictionJob.newBuilder();
    JsonFormat.parser().merge(Files.readString(dir.resolve("job.json")), b);
    EmulatedJob e = Json.MAPPER.readValue(dir.resolve("emulated.json").toFile(), EmulatedJob.class);
    return new Entry(b.build(), e);
  }

  /**
   * Progress (emulated.json) is written before the job (job.json): a job appears only once both
   * exist, and a crash between the two leaves progress the next read recomputes the job from.
   */
  private static void save(Path dir, Entry entry) throws IOException {
    AtomicFiles.writeString(dir.resolve("emulated.json"), Json.write(entry.emulated()));
    try {
      AtomicFiles.writeString(dir.resolve("job.json"), JsonFormat.printer().print(entry.job()));
    } catch (InvalidProtocolBufferException e) {
      throw new IOException(e);
    }
  }
}
