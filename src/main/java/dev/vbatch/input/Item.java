package dev.vbatch.input;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * One input item: a file, a table row with optional text and file, or a ready request (a line of
 * a request file). {@code id} is its stable
 * source (a relative path, a gs:// URI, or table:row) and {@code vars} feed the prompt template. A
 * file already in Cloud Storage is {@code object}, referenced and never copied.
 */
public record Item(String id, Map<String, String> vars, Optional<Path> file, Optional<String> text,
    Optional<RemoteObject> object, Optional<com.google.cloud.aiplatform.v1.GenerateContentRequest> request) {
  public Item(String id, Map<String, String> vars, Optional<Path> file, Optional<String> text) {
    this(id, vars, file, text, Optional.empty());
  }

  public Item(String id, Map<String, String> vars, Optional<Path> file, Optional<String> text,
      Optional<RemoteObject> object) {
    this(id, vars, file, text, object, Optional.empty());
  }

  /** A line of a request file (input.requests): its request is sent as it is. */
  public static Item ofRequest(String id, Map<String, String> vars,
      com.google.cloud.aiplatform.v1.GenerateContentRequest request) {
    return new Item(id, vars, Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(request));
  }
}
