package dev.vbatch.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * A store that only names URIs: plan uses it to build requests exactly as run would (file URIs are
 * part of each request) while guaranteeing that nothing is written.
 */
public final class UriOnlyBlobStore implements BlobStore {
  private final String root;

  public UriOnlyBlobStore(String root) {
    this.root = root.startsWith("gs://") ? (root.endsWith("/") ? root : root + "/")
        : Path.of(root).toAbsolutePath().normalize().toUri().toString();
  }

  @Override
  public String uri(String path) {
    return root + path;
  }

  @Override
  public boolean exists(String path) {
    return false;
  }

  @Override
  public void upload(Path source, String path, String contentType) throws IOException {
    throw new IOException("a plan writes nothing");
  }

  @Override
  public OutputStream create(String path, String contentType) throws IOException {
    throw new IOException("a plan writes nothing");
  }

  @Override
  public InputStream open(String uri) throws IOException {
    throw new IOException("a plan reads no staged objects");
  }

  @Override
  public List<String> list(String uriPrefix) {
    return List.of();
  }
}
