package dev.vbatch.input;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Lists and looks up objects already in Cloud Storage, for inputs given as gs:// URIs, and reads
 * the rows of BigQuery tables, for input given as a table.
 */
public interface RemoteObjects {
  /** A table's column names, and its rows (column → text, null for NULL), read as they are iterated. */
  record TableRows(List<String> columns, Iterable<Map<String, String>> rows) {}

  /** The rows of the BigQuery table PROJECT.DATASET.TABLE. */
  default TableRows table(String table) throws IOException {
    throw new IOException("BigQuery table " + table + " cannot be read here; set backend: vertex (with project and staging) "
        + "to read a BigQuery table");
  }

  /** The objects whose URI starts with {@code gsPrefix}, sorted by URI, without folder placeholders. */
  List<RemoteObject> list(String gsPrefix) throws IOException;

  /** The object at {@code uri}, or empty when there is none. */
  Optional<RemoteObject> get(String uri) throws IOException;

  /** The content of the object at {@code uri}, read as it streams (a request file in Cloud Storage). */
  default java.io.InputStream open(String uri) throws IOException {
    list(uri); // says why this backend cannot
    throw new IOException(uri + " cannot be read here");
  }

  /** For a backend with no Cloud Storage (the emulator reading local files). */
  RemoteObjects NONE = new RemoteObjects() {
    @Override
    public List<RemoteObject> list(String gsPrefix) throws IOException {
      throw unreachable(gsPrefix);
    }

    @Override
    public Optional<RemoteObject> get(String uri) throws IOException {
      throw unreachable(uri);
    }

    private IOException unreachable(String uri) {
      return new IOException(uri + " is in Cloud Storage, and this backend reads local files only; "
          + "set backend: vertex (with project and staging) to read gs:// inputs");
    }
  };
}
