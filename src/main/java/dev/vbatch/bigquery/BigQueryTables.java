package dev.vbatch.bigquery;

import com.fasterxml.jackson.core.JsonGenerator;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.FieldValue;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.InsertAllRequest;
import com.google.cloud.bigquery.InsertAllResponse;
import com.google.cloud.bigquery.LegacySQLTypeName;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.Table;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableInfo;
import dev.vbatch.storage.UriStore;
import dev.vbatch.util.Json;
import dev.vbatch.vertex.CloudException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * BigQuery tables by bq://PROJECT.DATASET.TABLE URI, read as newline-delimited JSON one page at a
 * time (a row becomes an object of its columns, JSON columns as JSON), and appended to from
 * newline-delimited JSON. This is how predictions Vertex wrote to a table are collected with the
 * same code as predictions files, and how the emulator reads request tables and writes prediction
 * tables.
 */
public final class BigQueryTables implements UriStore {
  private static final int PAGE = 10_000;
  private static final int INSERT_BATCH = 500;

  private final BigQuery bigquery;

  public BigQueryTables(BigQuery bigquery) {
    this.bigquery = bigquery;
  }

  /** A table named as bq://PROJECT.DATASET.TABLE or PROJECT.DATASET.TABLE (the spec reader qualifies every name). */
  public static TableId tableId(String ref) {
    String[] parts = ref.replaceFirst("^bq://", "").split("\\.");
    if (parts.length != 3) {
      throw new IllegalArgumentException("'" + ref + "' is not a BigQuery table; write PROJECT.DATASET.TABLE");
    }
    return TableId.of(parts[0], parts[1], parts[2]);
  }

  public static String uri(TableId table) {
    return "bq://" + table.getProject() + "." + table.getDataset() + "." + table.getTable();
  }

  /** A table's columns, from its schema. */
  public List<Field> columns(TableId table, String property) {
    Table found;
    try {
      found = bigquery.getTable(table);
    } catch (BigQueryException e) {
      throw BigQueryResults.translate(e, uri(table), table.getProject(), property);
    }
    if (found == null) {
      throw new CloudException("NOT_FOUND", "BigQuery table " + uri(table).substring(5) + " does not exist; fix " + property, null);
    }
    Schema schema = found.getDefinition().getSchema();
    return schema == null ? List.of() : List.copyOf(schema.getFields());
  }

  /** The rows of {@code table}, fetched a page at a time as they are iterated. */
  public Iterable<FieldValueList> rows(TableId table, List<Field> columns, String property) {
    try {
      return bigquery.listTableData(table, Schema.of(columns), BigQuery.TableDataListOption.pageSize(PAGE)).iterateAll();
    } catch (BigQueryException e) {
      throw BigQueryResults.translate(e, uri(table), table.getProject(), property);
    }
  }

  /** A cell as text: JSON and nested values as JSON, null as null. */
  public static String text(Field field, FieldValue value) {
    if (value == null || value.isNull()) {
      return null;
    }
    if (value.getAttribute() == FieldValue.Attribute.PRIMITIVE) {
      // tabledata.list gives a TIMESTAMP as epoch seconds; a prompt wants 2026-11-21T03:00:00Z.
      return field.getType() == LegacySQLTypeName.TIMESTAMP ? value.getTimestampInstant().toString() : value.getStringValue();
    }
    try {
      StringBuilder out = new StringBuilder();
      writeValue(field, value, out);
      return out.toString();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void writeValue(Field field, FieldValue value, StringBuilder out) throws IOException {
    if (value.isNull()) {
      out.append("null");
    } else if (value.getAttribute() == FieldValue.Attribute.REPEATED) {
      out.append('[');
      Field element = field.toBuilder().setMode(Field.Mode.NULLABLE).build();
      for (int i = 0; i < value.getRepeatedValue().size(); i++) {
        out.append(i > 0 ? "," : "");
        writeValue(element, value.getRepeatedValue().get(i), out);
      }
      out.append(']');
    } else if (value.getAttribute() == FieldValue.Attribute.RECORD) {
      out.append('{');
      List<Field> sub = field.getSubFields() == null ? List.of() : field.getSubFields();
      for (int i = 0; i < value.getRecordValue().size() && i < sub.size(); i++) {
        out.append(i > 0 ? "," : "").append(Json.write(Json.MAPPER.getNodeFactory().textNode(sub.get(i).getName()))).append(':');
        writeValue(sub.get(i), value.getRecordValue().get(i), out);
      }
      out.append('}');
    } else if (field.getType() == LegacySQLTypeName.JSON) {
      out.append(value.getStringValue());
    } else {
      out.append(Json.write(Json.MAPPER.getNodeFactory().textNode(value.getStringValue())));
    }
  }

  /** The rows of the table at {@code uri} as JSONL: one object per row, JSON columns as JSON. */
  @Override
  public InputStream open(String uri) throws IOException {
    TableId table = tableId(uri);
    List<Field> columns;
    Iterator<FieldValueList> rows;
    try {
      columns = columns(table, uri);
      rows = rows(table, columns, uri).iterator();
    } catch (CloudException e) {
      throw new IOException(e.getMessage(), e);
    }
    return new InputStream() {
      private byte[] line = new byte[0];
      private int at;

      @Override
      public int read() throws IOException {
        return fill() ? line[at++] & 0xff : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        if (!fill()) {
          return -1;
        }
        int n = Math.min(len, line.length - at);
        System.arraycopy(line, at, b, off, n);
        at += n;
        return n;
      }

      private boolean fill() throws IOException {
        while (at >= line.length) {
          if (!rows.hasNext()) {
            return false;
          }
          line = row(columns, rows.next());
          at = 0;
        }
        return true;
      }
    };
  }

  /** Prediction columns read as JSON even when a table holds them as STRING (the type Vertex gives them is not documented). */
  private static final java.util.Set<String> JSON_TEXT = java.util.Set.of("request", "response");

  private static boolean isJsonObject(String text) {
    String t = text.strip();
    if (!t.startsWith("{") || !t.endsWith("}")) {
      return false;
    }
    try {
      return Json.MAPPER.readTree(t).isObject();
    } catch (IOException e) {
      return false;
    }
  }

  private static byte[] row(List<Field> columns, FieldValueList values) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = Json.MAPPER.createGenerator(out)) {
      g.writeStartObject();
      for (int i = 0; i < columns.size() && i < values.size(); i++) {
        Field f = columns.get(i);
        String text = text(f, values.get(i));
        if (text == null) {
          continue;
        }
        g.writeFieldName(f.getName());
        if (f.getType() == LegacySQLTypeName.JSON || values.get(i).getAttribute() != FieldValue.Attribute.PRIMITIVE
            || (JSON_TEXT.contains(f.getName()) && isJsonObject(text))) {
          // Raw newlines in valid JSON are only whitespace between tokens: one row stays one line.
          g.writeRawValue(text.indexOf('\n') < 0 && text.indexOf('\r') < 0 ? text : text.replace('\n', ' ').replace('\r', ' '));
        } else {
          g.writeString(text);
        }
      }
      g.writeEndObject();
    }
    out.write('\n');
    return out.toByteArray();
  }

  /**
   * A stream of JSONL rows appended to the table at {@code uri} when closed; a missing table is
   * created with a JSON column for each object or array value and a STRING column for the rest.
   */
  @Override
  public OutputStream create(String uri, String contentType) {
    TableId table = tableId(uri);
    return new ByteArrayOutputStream() {
      @Override
      public void close() throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, LegacySQLTypeName> types = new LinkedHashMap<>();
        for (String line : toString(StandardCharsets.UTF_8).split("\n")) {
          if (line.isBlank()) {
            continue;
          }
          Map<String, Object> row = new LinkedHashMap<>();
          Json.read(line).fields().forEachRemaining(e -> {
            boolean json = e.getValue().isContainerNode();
            types.putIfAbsent(e.getKey(), json ? LegacySQLTypeName.JSON : LegacySQLTypeName.STRING);
            row.put(e.getKey(), e.getValue().isNull() ? null : json ? e.getValue().toString() : e.getValue().asText());
          });
          rows.add(row);
        }
        try {
          if (bigquery.getTable(table) == null) {
            Schema schema = Schema.of(types.entrySet().stream().map(t -> Field.of(t.getKey(), t.getValue())).toList());
            bigquery.create(TableInfo.of(table, StandardTableDefinition.of(schema)));
          }
          for (int from = 0; from < rows.size(); from += INSERT_BATCH) {
            InsertAllRequest.Builder request = InsertAllRequest.newBuilder(table);
            rows.subList(from, Math.min(rows.size(), from + INSERT_BATCH)).forEach(request::addRow);
            InsertAllResponse response = bigquery.insertAll(request.build());
            if (response.hasErrors()) {
              throw new IOException("BigQuery refused rows for " + uri + ": " + response.getInsertErrors().values().iterator().next());
            }
          }
        } catch (BigQueryException e) {
          throw new IOException(BigQueryResults.translate(e, uri, table.getProject(), uri).getMessage(), e);
        }
      }
    };
  }
}
