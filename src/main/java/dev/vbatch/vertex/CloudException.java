package dev.vbatch.vertex;

/** A Google Cloud call failed in a way the user must fix (credentials, permission, quota, not found). */
public final class CloudException extends RuntimeException {
  private final String code;

  public CloudException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** The gRPC status name, e.g. PERMISSION_DENIED. */
  public String code() {
    return code;
  }
}
