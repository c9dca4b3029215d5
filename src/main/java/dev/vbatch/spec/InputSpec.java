package dev.vbatch.spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where the items of a job come from: files under a directory (or matching a glob), or the rows of
 * a CSV or JSONL table. Sampling and limits apply after discovery, in a stable order.
 */
public record InputSpec(
    Optional<Files> files,
    Optional<Table> table,
    Optional<Integer> sample,
    long seed,
    Optional<Integer> limit) {

  /** Files under {@code root}; {@code glob} (relative to root) when the path had wildcards. */
  public record Files(
      Path root, Optional<String> glob, List<String> include, List<String> exclude, boolean recursive) {}

  /** Rows of a CSV or JSONL file; every column is a template variable. */
  public record Table(
      Path path,
      Format format,
      List<String> columns,
      Optional<String> textColumn,
      Optional<String> fileColumn,
      Optional<String> idColumn) {}

  /** Table file formats. */
  public enum Format {
    CSV,
    JSONL
  }
}
