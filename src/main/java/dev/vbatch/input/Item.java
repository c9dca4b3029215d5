package dev.vbatch.input;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * One input item: a file, or a table row with optional text and file. {@code id} is its stable
 * source (a relative path, a gs:// URI, or table:row) and {@code vars} feed the prompt template. A
 * file already in Cloud Storage is {@code object}, referenced and never copied.
 */
public record Item(String id, Map<String, String> vars, Optional<Path> file, Optional<String> text,
    Optional<RemoteObject> object) {
  public Item(String id, Map<String, String> vars, Optional<Path> file, Optional<String> text) {
    this(id, vars, file, text, Optional.empty());
  }
}
