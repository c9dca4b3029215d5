package dev.vbatch.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.NoCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryOptions;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vbatch.util.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A local HTTP server answering the BigQuery REST calls vbatch makes (datasets.get, jobs.insert,
 * jobs.get), recording each call with its decoded body. The client gzips its POST bodies; they are
 * unzipped here so tests can assert on them. Datasets, and failures by path, are set by the test.
 */
public final class BigQueryStandIn implements AutoCloseable {
  /** One call: method, path (without the query) and its JSON body, if any. */
  public record Call(String method, String path, String query, JsonNode body) {}

  public final List<Call> calls = new CopyOnWriteArrayList<>();
  /** Dataset id → location. */
  public final Map<String, String> datasets = new ConcurrentHashMap<>();
  /** Path fragment → HTTP status to fail with. */
  public final Map<String, Integer> failures = new ConcurrentHashMap<>();
  private final Map<String, ObjectNode> jobs = new ConcurrentHashMap<>();
  private final HttpServer server;

  public BigQueryStandIn() throws IOException {
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
      job.putObject("status").put("state", "DONE");
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
    reply(ex, 400, error(400, "the stand-in does not answer " + method + " " + path));
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
