package dev.vbatch.spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where the items of a job come from: files under a directory or a gs:// prefix (or matching a
 * glob), or the rows of a CSV or JSONL table. Sampling and limits apply after discovery, in a stable order.
 * {@code requests} is a file (or a glob of files), local or gs://, of Vertex batch lines, {"request": {...}} each, sent
 * as they are (input.requests). Finding no item is an error unless {@code allowEmpty}: a scheduler must not read an empty night as success.
 */
public record InputSpec(
    Optional<Files> files,
    Optional<Table> table,
    Optional<Integer> sample,
    long seed,
    Optional<Integer> limit,
    boolean allowEmpty,
    Optional<String> requests) {

  public InputSpec(Optional<Files> files, Optional<Table> table, Optional<Integer> sample, long seed, Optional<Integer> limit) {
    this(files, table, sample, seed, limit, false, Optional.empty());
  }

  public InputSpec(Optional<Files> files, Optional<Table> table, Optional<Integer> sample, long seed, Optional<Integer> limit,
      boolean allowEmpty) {
    this(files, table, sample, seed, limit, allowEmpty, Optional.empty());
  }

  /** The same input, with an empty night accepted (input.allowEmpty, --allow-empty) or not. */
  public InputSpec withAllowEmpty(boolean allow) {
    return new InputSpec(files, table, sample, seed, limit, allow, requests);
  }

  /**
   * Files under {@code root}; {@code glob} (relative to root) when the path had wildcards. With
   * {@code cloudRoot} (a gs://BUCKET/PREFIX/ ending in '/'), the objects under that prefix instead:
   * root is unused, and glob, include and exclude match the names below the prefix.
   */
  public record Files(
      Path root, Optional<String> glob, List<String> include, List<String> exclude, boolean recursive,
      Optional<String> cloudRoot) {
    public Files(Path root, Optional<String> glob, List<String> include, List<String> exclude, boolean recursive) {
      this(root, glob, include, exclude, recursive, Optional.empty());
    }
  }

  /** Whether some items are read from Cloud Storage (a gs:// prefix, or a file column that may hold gs:// URIs). */
  public boolean mayReadCloud() {
    return files.map(f -> f.cloudRoot().isPresent()).orElse(false) || requests.map(r -> r.startsWith("gs://")).orElse(false)
        || table.map(t -> t.fileColumn().isPresent() || t.bigquery().isPresent()).orElse(false);
  }

  /**
   * Rows of a CSV or JSONL file, or of a BigQuery table; every column is a template variable. For a
   * BigQuery table, {@code bigquery} is PROJECT.DATASET.TABLE, path is unused, and columns are the
   * ones the job uses (named by the column settings and the prompt), checked against the table's
   * schema when the run reads it. With {@code textOnlyOnBadFile} (onBadFile: text-only), a row whose
   * file is missing, corrupt or unsupported is sent with its text alone, and its result says so.
   */
  public record Table(
      Path path,
      Format format,
      List<String> columns,
      Optional<String> textColumn,
      Optional<String> fileColumn,
      Optional<String> idColumn,
      Optional<String> bigquery,
      boolean textOnlyOnBadFile) {
    public Table(Path path, Format format, List<String> columns, Optional<String> textColumn, Optional<String> fileColumn,
        Optional<String> idColumn) {
      this(path, format, columns, textColumn, fileColumn, idColumn, Optional.empty());
    }

    public Table(Path path, Format format, List<String> columns, Optional<String> textColumn, Optional<String> fileColumn,
        Optional<String> idColumn, Optional<String> bigquery) {
      this(path, format, columns, textColumn, fileColumn, idColumn, bigquery, false);
    }

    /** The same table, with a row whose file cannot be sent sent with its text alone (onBadFile: text-only) or not. */
    public Table withTextOnlyOnBadFile(boolean textOnly) {
      return new Table(path, format, columns, textColumn, fileColumn, idColumn, bigquery, textOnly);
    }

    /** What messages call the table: its file name, or the BigQuery table. */
    public String shownName() {
      return bigquery.orElseGet(() -> path.getFileName().toString());
    }
  }

  /** Table formats. */
  public enum Format {
    CSV,
    JSONL,
    BIGQUERY
  }
}
