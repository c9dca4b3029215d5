package dev.vbatch.input;

/**
 * A file already in Cloud Storage, referenced by URI and never copied. {@code version} names its
 * content (the object's generation, or its checksum where a store keeps no generations), so a
 * nightly run resends the request when the object is replaced; {@code size} is -1 and {@code
 * version} null until the object has been looked up.
 */
public record RemoteObject(String uri, long size, String contentType, String version) {
  public static RemoteObject unresolved(String uri) {
    return new RemoteObject(uri, -1, null, null);
  }

  public boolean isResolved() {
    return size >= 0;
  }

  /** The last part of the object's name. */
  public String name() {
    return uri.substring(uri.lastIndexOf('/') + 1);
  }
}
