package dev.vbatch.bigquery;

import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.TableId;
import dev.vbatch.input.RemoteObject;
import dev.vbatch.input.RemoteObjects;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Inputs in Google Cloud: objects through {@code objects}, and the rows of BigQuery tables. */
public final class BigQueryInputs implements RemoteObjects {
  private final RemoteObjects objects;
  private final BigQueryTables tables;

  public BigQueryInputs(RemoteObjects objects, BigQueryTables tables) {
    this.objects = objects;
    this.tables = tables;
  }

  @Override
  public List<RemoteObject> list(String gsPrefix) throws IOException {
    return objects.list(gsPrefix);
  }

  @Override
  public Optional<RemoteObject> get(String uri) throws IOException {
    return objects.get(uri);
  }

  @Override
  public java.io.InputStream open(String uri) throws IOException {
    return objects.open(uri);
  }

  @Override
  public TableRows table(String table) {
    TableId id = BigQueryTables.tableId(table);
    List<Field> columns = tables.columns(id, "input.table.bigquery");
    Iterable<FieldValueList> rows = tables.rows(id, columns, "input.table.bigquery");
    Iterable<Map<String, String>> values = () -> new Iterator<>() {
      private final Iterator<FieldValueList> it = rows.iterator();

      @Override
      public boolean hasNext() {
        try {
          return it.hasNext();
        } catch (com.google.cloud.bigquery.BigQueryException e) {
          throw BigQueryResults.translate(e, BigQueryTables.uri(id), id.getProject(), "input.table.bigquery");
        }
      }

      @Override
      public Map<String, String> next() {
        FieldValueList row = it.next();
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < columns.size() && i < row.size(); i++) {
          out.put(columns.get(i).getName(), BigQueryTables.text(columns.get(i), row.get(i)));
        }
        return out;
      }
    };
    return new TableRows(columns.stream().map(Field::getName).toList(), values);
  }
}
