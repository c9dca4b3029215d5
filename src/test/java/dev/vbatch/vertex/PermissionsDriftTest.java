package dev.vbatch.vertex;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vbatch.util.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No drift between the code and the Terraform module's IAM grants: every call the code makes on a
 * Google client is declared in {@link Permissions}, and the roles iam.tf grants the runner and the
 * Vertex AI service agent hold every declared permission, with no role that holds none.
 */
class PermissionsDriftTest {
  static final Path SOURCES = Path.of("src/main/java");
  static final Path IAM = Path.of("terraform/modules/vbatch-pipeline/iam.tf");
  static final Pattern VARIABLE = Pattern.compile("\\b(Storage|BigQuery|JobServiceClient|PredictionServiceClient)\\s+(\\w+)\\s*[;=,)]");
  static final Pattern RESOURCE = Pattern.compile("(?ms)^resource\\s+\"(\\w+)\"\\s+\"(\\w+)\"\\s*\\{(.*?)^\\}");
  static final Pattern ROLE = Pattern.compile("\\brole\\s*=\\s*\"([^\"]+)\"");
  static final Pattern MEMBER = Pattern.compile("\\bmember\\s*=\\s*(\\S+)");

  /** A grant in iam.tf: its resource type and name, role and member expression. */
  record Grant(String type, String name, String role, String member) {}

  static Map<String, Set<String>> roles;
  static List<Grant> grants;

  @BeforeAll
  static void read() throws IOException {
    roles = new HashMap<>();
    try (InputStream in = PermissionsDriftTest.class.getResourceAsStream("/iam/predefined-roles.json")) {
      JsonNode n = Json.MAPPER.readTree(in);
      n.fields().forEachRemaining(e -> {
        if (!e.getKey().startsWith("_")) {
          Set<String> perms = new HashSet<>();
          e.getValue().forEach(p -> perms.add(p.asText()));
          roles.put(e.getKey(), perms);
        }
      });
    }
    grants = new ArrayList<>();
    Matcher m = RESOURCE.matcher(Files.readString(IAM));
    while (m.find()) {
      Matcher role = ROLE.matcher(m.group(3));
      Matcher member = MEMBER.matcher(m.group(3));
      if (role.find() && member.find()) {
        grants.add(new Grant(m.group(1), m.group(2), role.group(1), member.group(1)));
      }
    }
  }

  /** "Type.method" of every call on a Google client in the production code, with where it is. */
  static Map<String, String> clientCalls() throws IOException {
    Map<String, String> calls = new HashMap<>();
    List<Path> files;
    try (Stream<Path> s = Files.walk(SOURCES)) {
      files = s.filter(p -> p.toString().endsWith(".java")).toList();
    }
    for (Path file : files) {
      String code = codeOnly(Files.readString(file));
      Matcher v = VARIABLE.matcher(code);
      Map<String, String> typeOf = new HashMap<>();
      while (v.find()) {
        typeOf.put(v.group(2), v.group(1));
      }
      for (Map.Entry<String, String> var : typeOf.entrySet()) {
        Matcher call = Pattern.compile("(?<![\\w.])" + Pattern.quote(var.getKey()) + "\\s*\\.\\s*(\\w+)\\s*\\(").matcher(code);
        while (call.find()) {
          if (!Permissions.LOCAL_CALLS.contains(call.group(1))) {
            calls.putIfAbsent(var.getValue() + "." + call.group(1), file.toString());
          }
        }
      }
    }
    return calls;
  }

  /** The source without comments and string literals, so prose such as "a BigQuery table," is not read as code. */
  static String codeOnly(String source) {
    // One pass, strings first: "gs://..." is a string, not the start of a comment.
    Matcher m = Pattern.compile("(?s)\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'|/\\*.*?\\*/|//[^\n]*").matcher(source);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, m.group().startsWith("\"") || m.group().startsWith("'") ? "\"\"" : " ");
    }
    return m.appendTail(out).toString();
  }

  private static Set<String> granted(String principal) {
    Set<String> perms = new TreeSet<>();
    grants.stream().filter(g -> g.member().contains(principal)).forEach(g -> {
      assertThat(roles).as("iam.tf grants " + g.role() + " (" + g.name() + "); add its permissions to iam/predefined-roles.json")
          .containsKey(g.role());
      perms.addAll(roles.get(g.role()));
    });
    return perms;
  }

  @Test
  void everyClientCallTheCodeMakesIsDeclared() throws IOException {
    Map<String, String> calls = clientCalls();
    // The scan must see the code's calls, or this test checks nothing.
    assertThat(calls).containsKeys("JobServiceClient.createBatchPredictionJob", "Storage.createFrom", "BigQuery.create");
    for (Map.Entry<String, String> call : calls.entrySet()) {
      assertThat(Permissions.RUNNER).as(call.getValue() + " calls " + call.getKey()
          + "; declare the permissions it needs in dev.vbatch.vertex.Permissions and grant a role for them in " + IAM)
          .containsKey(call.getKey());
    }
    // And nothing is declared for a call the code no longer makes.
    assertThat(calls.keySet()).as("declared in Permissions but no longer called").containsAll(Permissions.RUNNER.keySet());
  }

  @Test
  void theModuleGrantsTheRunnerEveryPermissionTheCodeNeeds() {
    Set<String> needed = new TreeSet<>();
    Permissions.RUNNER.values().forEach(needed::addAll);
    Set<String> granted = granted("local.runner");
    Set<String> missing = new TreeSet<>(needed);
    missing.removeAll(granted);
    assertThat(missing).as("permissions the runner needs that no role in " + IAM + " grants").isEmpty();
  }

  @Test
  void theModuleGrantsTheVertexServiceAgentWhatBatchJobsNeed() {
    Set<String> missing = new TreeSet<>(Permissions.VERTEX_AGENT);
    missing.removeAll(granted("local.vertex_agent"));
    assertThat(missing).as("permissions the Vertex AI service agent needs that no role in " + IAM + " grants").isEmpty();
  }

  @Test
  void everyRoleGrantedIsNeededAndStorageIsGrantedOnBucketsOnly() {
    Set<String> needed = new HashSet<>(Permissions.VERTEX_AGENT);
    Permissions.RUNNER.values().forEach(needed::addAll);
    needed.add("run.jobs.run");
    needed.add("cloudkms.cryptoKeyVersions.useToEncrypt");
    for (Grant g : grants) {
      assertThat(roles.get(g.role())).as(g.name() + " grants " + g.role() + ", which holds no permission vbatch needs")
          .containsAnyElementsOf(needed);
      if (g.role().startsWith("roles/storage.")) {
        assertThat(g.type()).as(g.name() + " grants " + g.role() + " beyond a bucket").isEqualTo("google_storage_bucket_iam_member");
      }
    }
    assertThat(grants).extracting(Grant::role).contains("roles/aiplatform.user", "roles/storage.objectUser",
        "roles/bigquery.dataEditor", "roles/bigquery.jobUser");
  }
}
