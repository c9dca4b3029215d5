package dev.vbatch.emulator;

import com.google.cloud.aiplatform.v1.BatchPredictionJob;
import com.google.cloud.aiplatform.v1.JobState;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The list filter of ListBatchPredictionJobs (AIP-160, as job_service.proto documents it): restrictions
 * on {@code display_name} (=, !=, : with a trailing *), {@code model_display_name}, {@code state},
 * {@code create_time} (=, !=, <, <=, >, >= against an RFC 3339 time) and {@code labels.KEY} (=, !=,
 * :*), combined with AND, OR (which binds tighter, as AIP-160 says), NOT or -, and parentheses. An
 * unknown field, state or operator is an IllegalArgumentException that names it.
 */
final class ListFilter {
  private final List<String> tokens;
  private int pos;

  private ListFilter(List<String> tokens) {
    this.tokens = tokens;
  }

  static Predicate<BatchPredictionJob> parse(String filter) {
    if (filter == null || filter.isBlank()) {
      return job -> true;
    }
    ListFilter parser = new ListFilter(tokenize(filter));
    Predicate<BatchPredictionJob> p = parser.expression();
    if (parser.pos < parser.tokens.size()) {
      throw new IllegalArgumentException("Invalid filter '" + filter + "': unexpected '" + parser.tokens.get(parser.pos) + "'");
    }
    return p;
  }

  /** expression: sequence {AND sequence}; a sequence of factors side by side is an AND too. */
  private Predicate<BatchPredictionJob> expression() {
    Predicate<BatchPredictionJob> p = factor();
    while (pos < tokens.size() && !tokens.get(pos).equals(")")) {
      if (tokens.get(pos).equals("AND")) {
        pos++;
      }
      p = p.and(factor());
    }
    return p;
  }

  /** factor: term {OR term}. */
  private Predicate<BatchPredictionJob> factor() {
    Predicate<BatchPredictionJob> p = term();
    while (pos < tokens.size() && tokens.get(pos).equals("OR")) {
      pos++;
      p = p.or(term());
    }
    return p;
  }

  private Predicate<BatchPredictionJob> term() {
    String t = next("a restriction");
    if (t.equals("NOT") || t.equals("-")) {
      return term().negate();
    }
    if (t.startsWith("-") && t.length() > 1) {
      tokens.set(--pos, t.substring(1));
      return term().negate();
    }
    if (t.equals("(")) {
      Predicate<BatchPredictionJob> p = expression();
      if (!next("')'").equals(")")) {
        throw new IllegalArgumentException("Invalid filter: missing ')'");
      }
      return p;
    }
    String op = next("an operator after '" + t + "'");
    String value = unquote(next("a value after '" + t + " " + op + "'"));
    return restriction(t, op, value);
  }

  private static Predicate<BatchPredictionJob> restriction(String field, String op, String value) {
    if (field.startsWith("labels.")) {
      String key = field.substring(7);
      if (op.equals(":") && value.equals("*")) {
        return j -> j.getLabelsMap().containsKey(key);
      }
      return text(op, field, value, j -> j.getLabelsMap().get(key));
    }
    switch (field) {
      case "display_name":
        return text(op, field, value, BatchPredictionJob::getDisplayName);
      case "model_display_name":
        return text(op, field, value, j -> j.getModel().substring(j.getModel().lastIndexOf('/') + 1));
      case "state": {
        JobState state;
        try {
          state = JobState.valueOf(value);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("Invalid filter: '" + value + "' is not a job state; use one of "
              + Arrays.stream(JobState.values()).filter(s -> s != JobState.UNRECOGNIZED).map(Enum::name)
                  .collect(Collectors.joining(", ")));
        }
        return text(op, field, state.name(), j -> j.getState().name());
      }
      case "create_time": {
        Instant at;
        try {
          at = Instant.parse(value);
        } catch (DateTimeParseException e) {
          throw new IllegalArgumentException("Invalid filter: create_time must be compared with an RFC 3339 time such as"
              + " \"2026-05-18T00:00:00Z\", got '" + value + "'");
        }
        return j -> compare(op, Timeline.instant(j.getCreateTime()).compareTo(at), field);
      }
      default:
        throw new IllegalArgumentException("Invalid filter: unsupported field '" + field + "'; supported: display_name,"
            + " model_display_name, state, create_time, labels.KEY");
    }
  }

  private static Predicate<BatchPredictionJob> text(String op, String field, String value,
      java.util.function.Function<BatchPredictionJob, String> get) {
    switch (op) {
      case "=":
        return j -> value.equals(get.apply(j));
      case "!=":
        return j -> !value.equals(get.apply(j));
      case ":":
        return j -> {
          String actual = get.apply(j);
          return actual != null && (value.endsWith("*") ? actual.startsWith(value.substring(0, value.length() - 1))
              : actual.equals(value));
        };
      default:
        throw new IllegalArgumentException("Invalid filter: operator '" + op + "' is not supported on " + field);
    }
  }

  private static boolean compare(String op, int c, String field) {
    switch (op) {
      case "=":
        return c == 0;
      case "!=":
        return c != 0;
      case "<":
        return c < 0;
      case "<=":
        return c <= 0;
      case ">":
        return c > 0;
      case ">=":
        return c >= 0;
      default:
        throw new IllegalArgumentException("Invalid filter: operator '" + op + "' is not supported on " + field);
    }
  }

  private String next(String what) {
    if (pos >= tokens.size()) {
      throw new IllegalArgumentException("Invalid filter: expected " + what + " at the end");
    }
    return tokens.get(pos++);
  }

  private static List<String> tokenize(String s) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '"') {
        int end = s.indexOf('"', i + 1);
        if (end < 0) {
          throw new IllegalArgumentException("Invalid filter: a quote is not closed in '" + s + "'");
        }
        out.add(s.substring(i, end + 1));
        i = end + 1;
      } else if (c == '(' || c == ')' || c == ':') {
        out.add(String.valueOf(c));
        i++;
      } else if (c == '=' || c == '<' || c == '>' || c == '!') {
        int len = i + 1 < s.length() && s.charAt(i + 1) == '=' ? 2 : 1;
        String op = s.substring(i, i + len);
        if (op.equals("!")) {
          throw new IllegalArgumentException("Invalid filter: '!' must be followed by '='");
        }
        out.add(op);
        i += len;
      } else {
        int start = i;
        while (i < s.length() && "()=<>!:\" \t\n".indexOf(s.charAt(i)) < 0) {
          i++;
        }
        out.add(s.substring(start, i));
      }
    }
    return out;
  }

  private static String unquote(String v) {
    return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
  }
}
