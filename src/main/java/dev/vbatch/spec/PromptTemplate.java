package dev.vbatch.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A prompt text with {@code ${name}} variables. {@code $${} writes a literal {@code ${}. Parsing
 * happens once, when the spec is read, so an unknown variable is a validation error rather than a
 * surprise at run time.
 */
public final class PromptTemplate {
  private final String source;
  private final List<Object> segments; // String literal or Var

  private record Var(String name) {}

  private PromptTemplate(String source, List<Object> segments) {
    this.source = source;
    this.segments = segments;
  }

  /** Parses {@code text}; a malformed variable raises IllegalArgumentException naming its offset. */
  public static PromptTemplate parse(String text) {
    List<Object> segments = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      if (text.startsWith("$${", i)) {
        literal.append("${");
        i += 3;
      } else if (text.startsWith("${", i)) {
        int end = text.indexOf('}', i + 2);
        if (end < 0) {
          throw new IllegalArgumentException(
              "has '${' with no closing '}' at character " + (i + 1) + " (write $${ for a literal ${)");
        }
        String name = text.substring(i + 2, end).trim();
        if (!name.matches("[A-Za-z_][A-Za-z0-9_.\\-]*")) {
          throw new IllegalArgumentException(
              "has an invalid variable name '${" + name + "}' at character " + (i + 1));
        }
        if (literal.length() > 0) {
          segments.add(literal.toString());
          literal.setLength(0);
        }
        segments.add(new Var(name));
        i = end + 1;
      } else {
        literal.append(text.charAt(i++));
      }
    }
    if (literal.length() > 0) {
      segments.add(literal.toString());
    }
    return new PromptTemplate(text, List.copyOf(segments));
  }

  /** The names of the variables the template uses, sorted. */
  public Set<String> variables() {
    Set<String> names = new TreeSet<>();
    for (Object s : segments) {
      if (s instanceof Var v) {
        names.add(v.name());
      }
    }
    return names;
  }

  /** Fills the variables; a missing value is an IllegalArgumentException naming it. */
  public String render(Map<String, String> values) {
    StringBuilder out = new StringBuilder();
    for (Object s : segments) {
      if (s instanceof Var v) {
        String value = values.get(v.name());
        if (value == null) {
          throw new IllegalArgumentException("variable ${" + v.name() + "} has no value");
        }
        out.append(value);
      } else {
        out.append((String) s);
      }
    }
    return out.toString();
  }

  public boolean isEmpty() {
    return source.isBlank();
  }

  @Override
  public String toString() {
    return source;
  }
}
