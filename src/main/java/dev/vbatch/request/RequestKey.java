package dev.vbatch.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.aiplatform.v1.GenerateContentRequest;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.vbatch.util.Hashing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HexFormat;

/**
 * The key that ties a prediction to its request: a hash of the request in canonical form. Vertex
 * echoes each request re-serialized (1.0 becomes 1, absent fields come back as null, snake_case and
 * camelCase mixed, floats widened), so the echo is parsed back into a GenerateContentRequest and
 * hashed from its deterministic binary form, which all those spellings share.
 */
public final class RequestKey {
  private static final ThreadLocal<java.security.MessageDigest> SHA256 = ThreadLocal.withInitial(Hashing::sha256);

  private RequestKey() {}

  public static String of(GenerateContentRequest request) {
    try {
      byte[] bytes = new byte[request.getSerializedSize()];
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.useDeterministicSerialization();
      request.writeTo(out);
      out.checkNoSpaceLeft();
      byte[] digest = SHA256.get().digest(bytes);
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The key as written beside each staged request ({@code vbatch_key}): with a prefix, so that
   * Vertex's importer, which turns numeric-looking strings into numbers, cannot change it (a hex
   * digest such as "12e45..." looks like a number).
   */
  public static String tagged(String key) {
    return "vb-" + key;
  }

  /** The key a {@code vbatch_key} value names, or null when it is not one ({@code vb-} and 32 hex digits, or the bare digits). */
  public static String untagged(String value) {
    String v = value.startsWith("vb-") ? value.substring(3) : value;
    return v.length() == 32 && v.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) ? v : null;
  }

  /** The key of an echoed request as Vertex wrote it in a predictions line. */
  public static String ofEcho(JsonNode echoedRequest) throws InvalidProtocolBufferException {
    return of(parseEcho(echoedRequest));
  }

  public static GenerateContentRequest parseEcho(JsonNode echoedRequest) throws InvalidProtocolBufferException {
    GenerateContentRequest.Builder b = GenerateContentRequest.newBuilder();
    dev.vbatch.util.ProtoJson.merge(echoedRequest, b);
    return b.build();
  }

  /** The request as one line of Vertex's camelCase JSON. */
  public static String toJson(GenerateContentRequest request) {
    try {
      return JsonFormat.printer().omittingInsignificantWhitespace().print(request);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }
}
