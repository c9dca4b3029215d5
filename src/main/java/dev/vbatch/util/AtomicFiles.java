package dev.vbatch.util;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Writes a file so that readers see the old content or the new one, never a torn one. */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Something that writes the whole content to a stream. */
  @FunctionalInterface
  public interface Writer {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Told of each file once it has been written whole (the run state mirror copies it up). */
  @FunctionalInterface
  public interface Listener {
    void written(Path file) throws IOException;
  }

  private static final java.util.List<Listener> LISTENERS = new java.util.concurrent.CopyOnWriteArrayList<>();

  public static void addListener(Listener listener) {
    LISTENERS.add(listener);
  }

  public static void removeListener(Listener listener) {
    LISTENERS.remove(listener);
  }

  public static void write(Path target, Writer writer) throws IOException {
    write(target, writer, true);
  }

  /** As above; {@code notify} false writes without telling the listeners (a copy coming down). */
  public static void write(Path target, Writer writer, boolean notify) throws IOException {
    Path parent = target.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = newTemp(parent, "." + target.getFileName());
    try {
      try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE)) {
        writer.writeTo(out);
      } catch (IOException e) {
        throw failed(target, e);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    if (notify) {
      for (Listener l : LISTENERS) {
        l.written(target);
      }
    }
  }

  /**
   * A new empty file beside the target whose name no one else uses. Unlike Files.createTempFile it
   * is created with the user's umask (createTempFile makes every file 0600, which the renamed result
   * then keeps).
   */
  public static Path newTemp(Path dir, String prefix) throws IOException {
    for (int attempt = 0; ; attempt++) {
      Path tmp = dir.resolve(prefix + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
      try {
        return Files.createFile(tmp);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        if (attempt > 100) {
          throw e;
        }
      }
    }
  }

  /**
   * A write that failed, as a message a person can act on: the file, the cause in the system's own
   * words (No space left on device), and that the previous content (or none) is what is left.
   */
  public static IOException failed(Path target, IOException e) {
    String cause = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    String kept = Files.exists(target) ? "its previous content is kept" : "nothing of it was kept";
    return new IOException("cannot write " + target + ": " + cause + " (" + kept + ")", e);
  }

  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  public static void writeString(Path target, String content) {
    try {
      write(target, out -> out.write(content.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }
}
