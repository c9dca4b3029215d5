package dev.vbatch.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;

/**
 * Objects by absolute URI (file:// and, when given a Cloud Storage client, gs://): what the
 * emulator needs to read a job's inputs and files and write its predictions wherever the job says.
 */
public interface UriStore {
  InputStream open(String uri) throws IOException;

  /** A stream that writes {@code uri}; the object appears whole when the stream is closed. */
  OutputStream create(String uri, String contentType) throws IOException;

  /** This store, with bq:// URIs (BigQuery tables) handled by {@code tables}. */
  default UriStore withTables(UriStore tables) {
    UriStore objects = this;
    return new UriStore() {
      @Override
      public InputStream open(String uri) throws IOException {
        return (uri.startsWith("bq://") ? tables : objects).open(uri);
      }

      @Override
      public OutputStream create(String uri, String contentType) throws IOException {
        return (uri.startsWith("bq://") ? tables : objects).create(uri, contentType);
      }
    };
  }

  /** file:// URIs only. */
  static UriStore local() {
    return new UriStore() {
      @Override
      public InputStream open(String uri) throws IOException {
        if (!uri.startsWith("file:")) {
          throw new IOException(uri + " is not reachable (only file:// URIs are)");
        }
        return Files.newInputStream(LocalBlobStore.toPath(uri));
      }

      @Override
      public OutputStream create(String uri, String contentType) throws IOException {
        var path = LocalBlobStore.toPath(uri);
        return new LocalBlobStore(path.getParent()).create(path.getFileName().toString(), contentType);
      }
    };
  }
}
