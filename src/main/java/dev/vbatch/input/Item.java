package dev.vbatch.input;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * One input item: a file, or a table row with optional text and file. {@code id} is its stable
 * source (a relative path, or table:row) and {@code vars} feed the prompt template.
 */
public record Item(String id, Map<String, String> vars, Optional<Path> file, Optional<String> text) {}
