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

  /**
   * Whether the bucket of a gs:// URI exists (anything else: true). Vertex accepts a job whose
   * output bucket is missing and fails it later with code 9.
   */
  default boolean bucketExists(String uri) {
    return true;
  }

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

      @Override
      public boolean bucketExists(String uri) {
        return objects.bucketExists(uri);
      }
    };
  }

  /**
   * file:// URIs, and gs://BUCKET/PATH served from {@code root}/BUCKET/PATH: the standalone
   * emulator's Cloud Storage, so a client that uses real gs:// paths works unchanged.
   */
  static UriStore gcsRoot(java.nio.file.Path root) {
    UriStore local = local();
    return new UriStore() {
      @Override
      public InputStream open(String uri) throws IOException {
        return local.open(toFile(uri));
      }

      @Override
      public OutputStream create(String uri, String contentType) throws IOException {
        return local.create(toFile(uri), contentType);
      }

      @Override
      public boolean bucketExists(String uri) {
        return !uri.startsWith("gs://") || Files.isDirectory(root.resolve(bucket(uri)));
      }

      private String toFile(String uri) throws IOException {
        if (!uri.startsWith("gs://")) {
          return uri;
        }
        String rest = uri.substring(5);
        if (rest.isEmpty() || rest.startsWith("/") || rest.contains("..")) {
          throw new IOException(uri + " is not a valid Cloud Storage URI");
        }
        if (!bucketExists(uri)) {
          throw new IOException("bucket " + bucket(uri) + " does not exist (under " + root + ")");
        }
        return root.resolve(rest).toUri().toString();
      }

      private String bucket(String uri) {
        String rest = uri.substring(5);
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
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
