package dev.vbatch.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.NoCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.storage.Storage;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vbatch.util.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A local HTTP server answering the BigQuery REST calls vbatch and the emulator make (datasets.get,
 * jobs.insert, jobs.get, tables.get, tables.insert, tables.delete, tabledata.list, tabledata.insertAll), recording
 * each call with its decoded body. The client gzips its POST bodies; they are unzipped here so tests
 * can assert on them. Datasets, tables and failures by path are set by the test. Given a Storage
 * client, a load job reads its newline-delimited JSON source objects into the destination table, so
 * what was loaded can be listed back; without one, load jobs only succeed.
 */
public final class BigQueryStandIn implements AutoCloseable {
  /** One call: method, path (without the query) and its JSON body, if any. */
  public record Call(String method, String path, String query, JsonNode body) {}

  public final List<Call> calls = new CopyOnWriteArrayList<>();
  /** Dataset id → location. */
  public final Map<String, String> datasets = new ConcurrentHashMap<>();
  /** Path fragment → HTTP status to fail with. */
  public final Map<String, Integer> failures = new ConcurrentHashMap<>();
  /** "PROJECT.DATASET.TABLE" → table. */
  public final Map<String, Table> tables = new ConcurrentHashMap<>();
  private final Map<String, ObjectNode> jobs = new ConcurrentHashMap<>();
  private final HttpServer server;
  private final Storage storage;

  /** A table: its columns (name → BigQuery type) and its rows, each value as BigQuery lists it (JSON as text). */
  public record Table(Map<String, String> columns, List<Map<String, String>> rows) {
    public Table(Map<String, String> columns) {
      this(new LinkedHashMap<>(columns), new CopyOnWriteArrayList<>());
    }
  }

  public BigQueryStandIn() throws IOException {
    this(null);
  }

  public BigQueryStandIn(Storage storage) throws IOException {
    this.storage = storage;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public BigQuery client(String project) {
    return BigQueryOptions.newBuilder().setHost("http://127.0.0.1:" + server.getAddress().getPort())
        .setProjectId(project).setCredentials(NoCredentials.getInstance())
        .setRetrySettings(RetrySettings.newBuilder().setMaxAttempts(1).build()).build().getService();
  }

  /** The calls whose method and path match. */
  public List<Call> calls(String method, String pathPart) {
    return calls.stream().filter(c -> c.method().equals(method) && c.path().contains(pathPart)).toList();
  }

  private void handle(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getPath();
    byte[] raw = ex.getRequestBody().readAllBytes();
    if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
        raw = in.readAllBytes();
      }
    }
    JsonNode body = raw.length == 0 ? null : Json.MAPPER.readTree(raw);
    calls.add(new Call(method, path, ex.getRequestURI().getQuery(), body));
    for (Map.Entry<String, Integer> f : failures.entrySet()) {
      if (path.contains(f.getKey())) {
        reply(ex, f.getValue(), error(f.getValue(), "Access Denied: " + path + ": Permission bigquery.datasets.get denied"));
        return;
      }
    }
    String[] parts = path.replaceFirst("^/bigquery/v2/", "").split("/");
    // projects/P/datasets/D
    if (method.equals("GET") && parts.length == 4 && parts[2].equals("datasets")) {
      String location = datasets.get(parts[3]);
      if (location == null) {
        reply(ex, 404, error(404, "Not found: Dataset " + parts[1] + ":" + parts[3]));
        return;
      }
      ObjectNode ds = Json.object().put("kind", "bigquery#dataset").put("id", parts[1] + ":" + parts[3]).put("location", location);
      ds.putObject("datasetReference").put("projectId", parts[1]).put("datasetId", parts[3]);
      reply(ex, 200, ds);
      return;
    }
    // projects/P/jobs
    if (method.equals("POST") && parts.length == 3 && parts[2].equals("jobs")) {
      String id = body.path("jobReference").path("jobId").asText();
      if (jobs.containsKey(id)) {
        reply(ex, 409, error(409, "Already Exists: Job " + parts[1] + ":" + id));
        return;
      }
      ObjectNode job = ((ObjectNode) body).deepCopy();
      job.put("kind", "bigquery#job").put("id", parts[1] + ":" + id);
      ObjectNode status = job.putObject("status").put("state", "DONE");
      String loadError = load(body.path("configuration").path("load"));
      if (loadError != null) {
        status.putObject("errorResult").put("reason", "invalid").put("message", loadError);
      }
      job.putObject("statistics").put("creationTime", "1").put("startTime", "1").put("endTime", "2");
      jobs.put(id, job);
      reply(ex, 200, job);
      return;
    }
    // projects/P/jobs/ID
    if (method.equals("GET") && parts.length == 4 && parts[2].equals("jobs")) {
      ObjectNode job = jobs.get(parts[3]);
      reply(ex, job == null ? 404 : 200, job == null ? error(404, "Not found: Job " + parts[3]) : job);
      return;
    }
    // projects/P/datasets/D/tables[/T[/data|/insertAll]]
    if (parts.length >= 5 && parts[2].equals("datasets") && parts[4].equals("tables")) {
      tableCall(ex, method, parts, body, ex.getRequestURI().getQuery());
      return;
    }
    reply(ex, 400, error(400, "the stand-in does not answer " + method + " " + path));
  }

  private void tableCall(HttpExchange ex, String method, String[] parts, JsonNode body, String query) throws IOException {
    if (method.equals("POST") && parts.length == 5) {
      String id = parts[1] + "." + parts[3] + "." + body.path("tableReference").path("tableId").asText();
      if (tables.containsKey(id)) {
        reply(ex, 409, error(409, "Already Exists: Table " + id));
        return;
      }
      tables.put(id, new Table(columns(body.path("schema"))));
      reply(ex, 200, tableResource(id));
      return;
    }
    String id = parts[1] + "." + parts[3] + "." + parts[5];
    Table table = tables.get(id);
    if (table == null) {
      reply(ex, 404, error(404, "Not found: Table " + id));
      return;
    }
    if (method.equals("GET") && parts.length == 6) {
      reply(ex, 200, tableResource(id));
    } else if (method.equals("DELETE") && parts.length == 6) {
      tables.remove(id);
      ex.sendResponseHeaders(204, -1);
      ex.close();
    } else if (method.equals("GET") && parts.length == 7 && parts[6].equals("data")) {
      Map<String, String> q = query(query);
      int from = Integer.parseInt(q.getOrDefault("pageToken", "0"));
      int size = Integer.parseInt(q.getOrDefault("maxResults", "100000"));
      int to = Math.min(table.rows().size(), from + size);
      ObjectNode page = Json.object().put("kind", "bigquery#tableDataList").put("totalRows", String.valueOf(table.rows().size()));
      var rows = page.putArray("rows");
      for (Map<String, String> row : table.rows().subList(from, to)) {
        var cells = rows.addObject().putArray("f");
        table.columns().keySet().forEach(c -> cells.addObject().put("v", row.get(c)));
      }
      if (to < table.rows().size()) {
        page.put("pageToken", String.valueOf(to));
      }
      reply(ex, 200, page);
    } else if (method.equals("POST") && parts.length == 7 && parts[6].equals("insertAll")) {
      for (JsonNode row : body.path("rows")) {
        table.rows().add(values(table.columns(), row.path("json")));
      }
      reply(ex, 200, Json.object().put("kind", "bigquery#tableDataInsertAllResponse"));
    } else {
      reply(ex, 400, error(400, "the stand-in does not answer " + method + " on table " + id));
    }
  }

  private ObjectNode tableResource(String id) {
    String[] p = id.split("\\.");
    ObjectNode t = Json.object().put("kind", "bigquery#table").put("id", p[0] + ":" + p[1] + "." + p[2]).put("type", "TABLE");
    t.putObject("tableReference").put("projectId", p[0]).put("datasetId", p[1]).put("tableId", p[2]);
    var fields = t.putObject("schema").putArray("fields");
    tables.get(id).columns().forEach((name, type) -> fields.addObject().put("name", name).put("type", type).put("mode", "NULLABLE"));
    t.put("numRows", String.valueOf(tables.get(id).rows().size()));
    return t;
  }

  /** Reads a load job's newline-delimited JSON sources into its table; the error message, or null. */
  private String load(JsonNode load) throws IOException {
    if (load.isMissingNode() || storage == null) {
      return null;
    }
    JsonNode dest = load.path("destinationTable");
    String id = dest.path("projectId").asText() + "." + dest.path("datasetId").asText() + "." + dest.path("tableId").asText();
    Map<String, String> columns = columns(load.path("schema"));
    Table table = tables.get(id);
    if (table == null || "WRITE_TRUNCATE".equals(load.path("writeDisposition").asText())) {
      table = new Table(columns);
      tables.put(id, table);
    } else {
      table.columns().putAll(columns);
    }
    for (JsonNode uri : load.path("sourceUris")) {
      String[] bucketAndName = uri.asText().substring("gs://".length()).split("/", 2);
      byte[] content = storage.readAllBytes(com.google.cloud.storage.BlobId.of(bucketAndName[0], bucketAndName[1]));
      for (String line : new String(content, StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          table.rows().add(values(table.columns(), Json.MAPPER.readTree(line)));
        }
      }
    }
    return null;
  }

  private static Map<String, String> columns(JsonNode schema) {
    Map<String, String> columns = new LinkedHashMap<>();
    schema.path("fields").forEach(f -> columns.put(f.path("name").asText(), f.path("type").asText("STRING")));
    return columns;
  }

  /** A row's values as tabledata.list gives them back: text, JSON columns as JSON text, null when absent. */
  private static Map<String, String> values(Map<String, String> columns, JsonNode json) {
    Map<String, String> row = new LinkedHashMap<>();
    columns.forEach((name, type) -> {
      JsonNode v = json.get(name);
      row.put(name, v == null || v.isNull() ? null : v.isValueNode() && !(type.equals("JSON") && !v.isTextual()) ? v.asText() : v.toString());
    });
    return row;
  }

  private static Map<String, String> query(String query) {
    Map<String, String> q = new LinkedHashMap<>();
    if (query != null) {
      for (String pair : query.split("&")) {
        String[] kv = pair.split("=", 2);
        q.put(kv[0], kv.length > 1 ? java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
      }
    }
    return q;
  }

  private static ObjectNode error(int code, String message) {
    ObjectNode e = Json.object();
    ObjectNode inner = e.putObject("error").put("code", code).put("message", message);
    inner.putArray("errors").addObject().put("message", message).put("reason", code == 404 ? "notFound" : code == 409 ? "duplicate" : "accessDenied");
    return e;
  }

  private static void reply(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
