package dev.vbatch.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A step's {@code when:}: a value, optionally compared with a literal, that decides whether an
 * item goes on to the step. {@code steps.classify.data.kind == "invoice"}, {@code
 * ${steps.extract.data.total} > 100}, {@code steps.extract.data.needsReview} (true when the value is
 * present and not false, 0, "" or null). The value is an earlier step's data ({@code
 * steps.NAME.data.FIELD...}) or an input variable.
 */
public final class Condition {
  private static final Pattern FORM = Pattern.compile(
      "\\s*(?:\\$\\{\\s*([A-Za-z_][A-Za-z0-9_.\\-]*)\\s*\\}|([A-Za-z_][A-Za-z0-9_.\\-]*))\\s*(?:(==|!=|>=|<=|>|<)\\s*(.+?))?\\s*");

  private final String source;
  private final String path;
  private final String op;
  private final JsonNode literal;

  private Condition(String source, String path, String op, JsonNode literal) {
    this.source = source;
    this.path = path;
    this.op = op;
    this.literal = literal;
  }

  /** Parses {@code text}; what is wrong is an IllegalArgumentException that says what is allowed. */
  public static Condition parse(String text) {
    Matcher m = FORM.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("is '" + text + "'; write a value, or a value compared with a literal, e.g. "
          + "steps.classify.data.kind == \"invoice\" or steps.extract.data.total > 100");
    }
    String path = m.group(1) != null ? m.group(1) : m.group(2);
    JsonNode literal = m.group(3) == null ? null : literal(m.group(4).trim(), text);
    return new Condition(text, path, m.group(3), literal);
  }

  private static JsonNode literal(String s, String text) {
    if ((s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'")) && s.length() >= 2) {
      return TextNode.valueOf(s.substring(1, s.length() - 1));
    }
    switch (s) {
      case "true":
        return BooleanNode.TRUE;
      case "false":
        return BooleanNode.FALSE;
      case "null":
        return NullNode.instance;
      default:
        try {
          return DecimalNode.valueOf(new BigDecimal(s));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("is '" + text + "'; compare with a number, true, false, null or a quoted string, not " + s);
        }
    }
  }

  /** The value the condition reads: steps.NAME.data.FIELD... or an input variable. */
  public String path() {
    return path;
  }

  /** Whether the item goes on, given how to look a path up (null when absent). */
  public boolean test(Function<String, JsonNode> lookup) {
    JsonNode v = lookup.apply(path);
    if (op == null) {
      return v != null && !v.isNull() && !(v.isBoolean() && !v.booleanValue()) && !(v.isNumber() && v.decimalValue().signum() == 0)
          && !(v.isTextual() && v.textValue().isEmpty());
    }
    if (v == null) {
      v = NullNode.instance;
    }
    Integer cmp = compare(v, literal);
    return switch (op) {
      case "==" -> cmp != null && cmp == 0;
      case "!=" -> cmp == null || cmp != 0;
      case ">" -> cmp != null && cmp > 0;
      case ">=" -> cmp != null && cmp >= 0;
      case "<" -> cmp != null && cmp < 0;
      default -> cmp != null && cmp <= 0;
    };
  }

  /** Numbers by value (a numeric string counts), anything else by its text; null when they cannot be compared. */
  private static Integer compare(JsonNode a, JsonNode b) {
    if (a.isNull() || b.isNull()) {
      return a.isNull() && b.isNull() ? 0 : null;
    }
    if (b.isNumber()) {
      try {
        return new BigDecimal(a.asText()).compareTo(b.decimalValue());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    if (b.isBoolean()) {
      return a.asText().equals(b.asText()) ? 0 : null;
    }
    return a.asText().compareTo(b.asText());
  }

  @Override
  public String toString() {
    return source;
  }
}
