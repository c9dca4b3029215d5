package dev.vbatch.storage;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import dev.vbatch.input.RemoteObject;
import dev.vbatch.input.RemoteObjects;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Inputs already in Cloud Storage: listed under a gs:// prefix or looked up one by one, with the
 * size, content type and version a plan needs, and never downloaded.
 */
public final class GcsObjects implements RemoteObjects {
  private final Storage storage;

  public GcsObjects(Storage storage) {
    this.storage = storage;
  }

  @Override
  public List<RemoteObject> list(String gsPrefix) {
    BlobId dir = GcsBlobStore.parse(gsPrefix);
    List<RemoteObject> out = new ArrayList<>();
    try {
      for (Blob blob : storage.list(dir.getBucket(), Storage.BlobListOption.prefix(dir.getName())).iterateAll()) {
        if (!blob.getName().endsWith("/")) {
          out.add(of(blob));
        }
      }
    } catch (StorageException e) {
      throw GcsBlobStore.translate(e, gsPrefix);
    }
    out.sort((a, b) -> a.uri().compareTo(b.uri()));
    return out;
  }

  @Override
  public Optional<RemoteObject> get(String uri) {
    try {
      return Optional.ofNullable(storage.get(GcsBlobStore.parse(uri))).map(GcsObjects::of);
    } catch (StorageException e) {
      throw GcsBlobStore.translate(e, uri);
    }
  }

  @Override
  public java.io.InputStream open(String uri) {
    try {
      return java.nio.channels.Channels.newInputStream(storage.reader(GcsBlobStore.parse(uri)));
    } catch (StorageException e) {
      throw GcsBlobStore.translate(e, uri);
    }
  }

  static RemoteObject of(Blob blob) {
    return new RemoteObject("gs://" + blob.getBucket() + "/" + blob.getName(),
        blob.getSize() == null ? 0 : blob.getSize(), blob.getContentType(), version(blob));
  }

  /**
   * The object's generation changes whenever it is replaced. A store that keeps no generations (the
   * in-memory one tests use) falls back to a checksum, then to the size and update time.
   */
  static String version(Blob blob) {
    if (blob.getGeneration() != null) {
      return "g" + blob.getGeneration();
    }
    if (blob.getCrc32c() != null) {
      return "c" + blob.getCrc32c();
    }
    if (blob.getMd5() != null) {
      return "m" + blob.getMd5();
    }
    return "s" + blob.getSize() + "-" + blob.getUpdateTimeOffsetDateTime();
  }
}
