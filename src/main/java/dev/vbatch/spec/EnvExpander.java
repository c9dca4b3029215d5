package dev.vbatch.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces ${env:NAME} in every string of a spec with the environment variable, so one spec serves
 * every deployment ({@code staging: gs://${env:VBATCH_BUCKET}/vbatch}); an unset variable is a
 * problem that names the property.
 */
final class EnvExpander {
  private final Map<String, String> env;
  private final Problems problems;

  EnvExpander(Map<String, String> env, Problems problems) {
    this.env = env;
    this.problems = problems;
  }

  private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)\\}");

  /** Expands every string under {@code root}, in place. */
  void expand(JsonNode root) {
    expandEnv(root, "");
  }

  private void expandEnv(JsonNode node, String path) {
    if (node instanceof ObjectNode object) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        JsonNode child = object.get(name);
        String at = path.isEmpty() ? name : path + "." + name;
        if (child.isTextual()) {
          object.put(name, expand(child.asText(), at));
        } else {
          expandEnv(child, at);
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        String at = path + "[" + i + "]";
        if (array.get(i).isTextual()) {
          array.set(i, array.textNode(expand(array.get(i).asText(), at)));
        } else {
          expandEnv(array.get(i), at);
        }
      }
    }
  }

  private String expand(String text, String property) {
    if (!text.contains("${env:")) {
      return text;
    }
    Matcher m = ENV.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = env.get(m.group(1));
      if (value == null || value.isBlank()) {
        problems.error(property, "uses ${env:" + m.group(1) + "}, and " + m.group(1) + " is not set; set it in the environment "
            + "(the Terraform module's Cloud Run job sets the variables its specs use)");
        value = "";
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
