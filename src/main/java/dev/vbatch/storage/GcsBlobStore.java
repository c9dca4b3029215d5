package dev.vbatch.storage;

import com.google.cloud.ReadChannel;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import dev.vbatch.vertex.CloudAdvice;
import dev.vbatch.vertex.CloudException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.List;

/** A blob store under a gs://BUCKET/PREFIX, over google-cloud-storage. Reads and writes stream. */
public final class GcsBlobStore implements BlobStore {
  private final Storage storage;
  private final String bucket;
  private final String prefix;

  public GcsBlobStore(Storage storage, String gsUri) {
    BlobId id = parse(gsUri.endsWith("/") ? gsUri : gsUri + "/");
    this.storage = storage;
    this.bucket = id.getBucket();
    this.prefix = id.getName();
  }

  @Override
  public String uri(String path) {
    return "gs://" + bucket + "/" + prefix + path;
  }

  @Override
  public boolean exists(String path) {
    try {
      return storage.get(BlobId.of(bucket, prefix + path)) != null;
    } catch (StorageException e) {
      throw translate(e, uri(path));
    }
  }

  /**
   * Uploads a file. createFrom opens a resumable upload session and sends the file in chunks, so a
   * large PDF survives a dropped connection without starting over.
   */
  @Override
  public void upload(Path source, String path, String contentType) throws IOException {
    BlobInfo info = BlobInfo.newBuilder(BlobId.of(bucket, prefix + path)).setContentType(contentType).build();
    try {
      storage.createFrom(info, source);
    } catch (StorageException e) {
      throw translate(e, uri(path));
    }
  }

  @Override
  public int uploadParallelism() {
    return 16;
  }

  @Override
  public OutputStream create(String path, String contentType) {
    BlobInfo info = BlobInfo.newBuilder(BlobId.of(bucket, prefix + path)).setContentType(contentType).build();
    try {
      WriteChannel channel = storage.writer(info);
      return Channels.newOutputStream(channel);
    } catch (StorageException e) {
      throw translate(e, uri(path));
    }
  }

  @Override
  public InputStream open(String uri) {
    try {
      ReadChannel channel = storage.reader(parse(uri));
      return Channels.newInputStream(channel);
    } catch (StorageException e) {
      throw translate(e, uri);
    }
  }

  @Override
  public List<String> list(String uriPrefix) {
    return new GcsObjects(storage).list(uriPrefix.endsWith("/") ? uriPrefix : uriPrefix + "/").stream()
        .map(dev.vbatch.input.RemoteObject::uri).toList();
  }

  /** gs:// URIs through {@code storage}, file:// URIs from the local disk. */
  public static UriStore uris(Storage storage) {
    UriStore local = UriStore.local();
    return new UriStore() {
      @Override
      public InputStream open(String uri) throws IOException {
        if (!uri.startsWith("gs://")) {
          return local.open(uri);
        }
        if (storage.get(parse(uri)) == null) {
          throw new java.io.FileNotFoundException(uri + " does not exist");
        }
        return Channels.newInputStream(storage.reader(parse(uri)));
      }

      @Override
      public OutputStream create(String uri, String contentType) throws IOException {
        if (!uri.startsWith("gs://")) {
          return local.create(uri, contentType);
        }
        return Channels.newOutputStream(storage.writer(BlobInfo.newBuilder(parse(uri)).setContentType(contentType).build()));
      }
    };
  }

  /** A Cloud Storage failure as a one-line CloudException that says what to do (exit code 3). */
  static CloudException translate(StorageException e, String uri) {
    String detail = e.getMessage() == null ? "" : e.getMessage().replaceAll("\\s+", " ");
    String code = switch (e.getCode()) {
      case 401 -> "UNAUTHENTICATED";
      case 403 -> "PERMISSION_DENIED";
      case 404 -> "NOT_FOUND";
      case 429 -> "RESOURCE_EXHAUSTED";
      default -> "STORAGE_" + e.getCode();
    };
    return new CloudException(code, uri + ": " + CloudAdvice.forStorage(e.getCode(), detail, uri) + " [HTTP " + e.getCode() + ": " + detail + "]", e);
  }

  static BlobId parse(String uri) {
    if (!uri.startsWith("gs://")) {
      throw new IllegalArgumentException(uri + " is not a gs:// URI");
    }
    String rest = uri.substring(5);
    int slash = rest.indexOf('/');
    return slash < 0 ? BlobId.of(rest, "") : BlobId.of(rest.substring(0, slash), rest.substring(slash + 1));
  }
}
