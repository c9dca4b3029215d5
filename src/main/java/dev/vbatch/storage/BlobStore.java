package dev.vbatch.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Where vbatch stages files and request shards and reads predictions: a local directory for the
 * emulator, a Cloud Storage prefix for Vertex. Paths are relative to the store's root; URIs are
 * what Vertex is given and gives back.
 */
public interface BlobStore {
  /** The URI of {@code path} under this store's root. */
  String uri(String path);

  boolean exists(String path) throws IOException;

  /** Copies a local file to {@code path}. */
  void upload(Path source, String path, String contentType) throws IOException;

  /** A stream that writes {@code path}; the object appears whole when the stream is closed. */
  OutputStream create(String path, String contentType) throws IOException;

  /** Reads an object by URI. */
  InputStream open(String uri) throws IOException;

  /** The URIs of the objects below {@code uriPrefix}, sorted. */
  List<String> list(String uriPrefix) throws IOException;

  /** How many uploads to run at once. */
  default int uploadParallelism() {
    return 4;
  }
}
