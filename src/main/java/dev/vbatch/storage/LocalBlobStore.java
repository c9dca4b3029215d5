package dev.vbatch.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/** A blob store in a local directory, with file:// URIs. Writes land whole (temp file and rename). */
public final class LocalBlobStore implements BlobStore {
  private final Path root;

  public LocalBlobStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  @Override
  public String uri(String path) {
    return root.resolve(path).toUri().toString();
  }

  @Override
  public boolean exists(String path) {
    return Files.exists(root.resolve(path));
  }

  @Override
  public void upload(Path source, String path, String contentType) throws IOException {
    Path target = root.resolve(path);
    Files.createDirectories(target.getParent());
    Path tmp = dev.vbatch.util.AtomicFiles.newTemp(target.getParent(), ".upload");
    try {
      try {
        Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw dev.vbatch.util.AtomicFiles.failed(target, e);
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public OutputStream create(String path, String contentType) throws IOException {
    Path target = root.resolve(path);
    Files.createDirectories(target.getParent());
    Path tmp = dev.vbatch.util.AtomicFiles.newTemp(target.getParent(), ".write");
    OutputStream out = Files.newOutputStream(tmp);
    // A write that fails (a full disk) leaves nothing behind: the partial file is deleted, never
    // renamed into place where a job would read half a shard.
    return new java.io.FilterOutputStream(out) {
      private boolean failed;

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        try {
          out.write(b, off, len);
        } catch (IOException e) {
          failed = true;
          throw dev.vbatch.util.AtomicFiles.failed(target, e);
        }
      }

      @Override
      public void close() throws IOException {
        try {
          super.close();
        } catch (IOException e) {
          failed = true;
          throw dev.vbatch.util.AtomicFiles.failed(target, e);
        } finally {
          if (failed) {
            Files.deleteIfExists(tmp);
          }
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
    };
  }

  @Override
  public InputStream open(String uri) throws IOException {
    return Files.newInputStream(toPath(uri));
  }

  @Override
  public List<String> list(String uriPrefix) throws IOException {
    Path dir = toPath(uriPrefix);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .map(p -> p.toUri().toString()).sorted().toList();
    }
  }

  /** The local path of a file:// URI. */
  public static Path toPath(String uri) {
    if (!uri.startsWith("file:")) {
      throw new IllegalArgumentException(uri + " is not a file:// URI");
    }
    return Path.of(URI.create(uri));
  }
}
