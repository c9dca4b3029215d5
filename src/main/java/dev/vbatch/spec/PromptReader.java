package dev.vbatch.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vbatch.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A spec's prompt: a file with 'system' and 'user' (relative to the spec), or those keys inline;
 * each template checked against the variables the input provides.
 */
final class PromptReader {
  private final Path dir;
  private final Problems problems;

  PromptReader(Path dir, Problems problems) {
    this.dir = dir;
    this.problems = problems;
  }

  PromptTemplate[] read(JsonNode node, Set<String> vars) {
    PromptTemplate empty = PromptTemplate.parse("");
    JsonNode body = node;
    String where = "prompt";
    if (node == null || node.isNull()) {
      problems.error("prompt", "is missing; give a prompt file (prompt: prompt.yaml) with 'system' and 'user', or those two keys inline");
      return new PromptTemplate[] {empty, empty};
    }
    if (node.isTextual()) {
      Path promptFile = dir.resolve(node.asText()).normalize();
      where = "prompt (" + promptFile.getFileName() + ")";
      try {
        String text = Files.readString(promptFile);
        Optional<String> twice = YamlKeys.duplicate(text);
        if (twice.isPresent()) {
          problems.error("prompt", "file " + promptFile + ": " + twice.get());
          return new PromptTemplate[] {empty, empty};
        }
        body = Json.YAML.readTree(text);
      } catch (NoSuchFileException e) {
        problems.error("prompt", "names " + promptFile + ", which does not exist");
        return new PromptTemplate[] {empty, empty};
      } catch (JsonProcessingException e) {
        String at = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
            + e.getLocation().getColumnNr();
        problems.error("prompt", "file " + promptFile + " is not valid YAML" + at + ": " + SpecReader.oneLine(e.getOriginalMessage()));
        return new PromptTemplate[] {empty, empty};
      } catch (IOException e) {
        problems.error("prompt", "file " + promptFile + " cannot be read: " + e.getMessage());
        return new PromptTemplate[] {empty, empty};
      }
      if (body == null || !body.isObject()) {
        problems.error("prompt", "file " + promptFile + " must be a YAML mapping with 'system' and 'user'");
        return new PromptTemplate[] {empty, empty};
      }
    }
    if (!body.isObject()) {
      problems.error("prompt", "must be a file name or a mapping with 'system' and 'user'");
      return new PromptTemplate[] {empty, empty};
    }
    problems.unknownKeys(body, Set.of("system", "user"), where.equals("prompt") ? "prompt." : where + ": ");
    PromptTemplate system = template(body, "system", where, vars, false);
    PromptTemplate user = template(body, "user", where, vars, true);
    return new PromptTemplate[] {system, user};
  }

  private PromptTemplate template(JsonNode body, String key, String where, Set<String> vars, boolean required) {
    JsonNode v = body.get(key);
    String property = where.equals("prompt") ? "prompt." + key : where + " " + key;
    if (v == null || v.isNull() || v.asText().isBlank()) {
      if (required) {
        problems.error(property, "is missing; it is the user message sent with each item, e.g. 'Extract the fields of ${file.name}'");
      }
      return PromptTemplate.parse("");
    }
    try {
      PromptTemplate t = PromptTemplate.parse(v.asText());
      // vars is null when the input could not be read: its own error says why, and checking the
      // prompt against no variables would only add misleading ones.
      for (String name : vars == null ? List.<String>of() : t.variables()) {
        boolean column = vars.contains(InputReader.ANY_COLUMN) && !name.contains(".");
        if (!column && !vars.contains(name) && vars.stream().noneMatch(known -> known.endsWith(".") && name.startsWith(known))) {
          problems.error(property, "uses ${" + name + "}, which this input does not provide; known variables: " + String.join(", ",
              new TreeSet<>(vars.stream().map(known -> known.endsWith(".") ? known + "data.FIELD"
                  : known.equals(InputReader.ANY_COLUMN) ? "(any column of the table)" : known).toList())));
        }
      }
      return t;
    } catch (IllegalArgumentException e) {
      problems.error(property, e.getMessage());
      return PromptTemplate.parse("");
    }
  }
}
