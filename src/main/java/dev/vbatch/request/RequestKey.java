package dev.vbatch.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.aiplatform.v1.GenerateContentRequest;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.vbatch.util.Hashing;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;

/**
 * The key that ties a prediction to its request: a hash of the request in canonical form. Vertex
 * echoes each request re-serialized (1.0 becomes 1, absent fields come back as null, snake_case and
 * camelCase mixed, floats widened), so the echo is parsed back into a GenerateContentRequest and
 * hashed from its deterministic binary form, which all those spellings share.
 */
public final class RequestKey {
  private RequestKey() {}

  public static String of(GenerateContentRequest request) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(request.getSerializedSize());
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.useDeterministicSerialization();
      request.writeTo(out);
      out.flush();
      byte[] digest = Hashing.sha256().digest(bytes.toByteArray());
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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

  /**
   * A copy without null members: JsonFormat rejects a null next to a set field of the same oneof
   * ("file_data": null beside "text"), and null means absent anyway.
   */
  public static JsonNode withoutNulls(JsonNode node) {
    if (node.isObject()) {
      ObjectNode copy = ((ObjectNode) node).objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isNull()) {
          copy.set(e.getKey(), withoutNulls(e.getValue()));
        }
      }
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = ((ArrayNode) node).arrayNode();
      node.forEach(n -> copy.add(withoutNulls(n)));
      return copy;
    }
    return node;
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
