package dev.vbatch.emulator;

import com.google.cloud.aiplatform.v1.BatchPredictionJob;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The subset of Vertex's list filter syntax the emulator understands: terms joined by AND, each
 * {@code labels.KEY=VALUE}, {@code labels.KEY:*}, {@code state=JOB_STATE_X}, {@code
 * display_name=NAME} or {@code display_name:"PREFIX*"}, values optionally quoted.
 */
final class ListFilter {
  private ListFilter() {}

  static Predicate<BatchPredictionJob> parse(String filter) {
    List<Predicate<BatchPredictionJob>> terms = new ArrayList<>();
    if (filter != null && !filter.isBlank()) {
      for (String term : filter.trim().split("\\s+(?i:AND)\\s+")) {
        terms.add(term(term.trim()));
      }
    }
    return job -> terms.stream().allMatch(t -> t.test(job));
  }

  private static Predicate<BatchPredictionJob> term(String term) {
    int op = indexOfOperator(term);
    if (op < 0) {
      throw new IllegalArgumentException("Unsupported filter term '" + term + "'");
    }
    boolean has = term.charAt(op) == ':';
    boolean not = term.startsWith("!=", op);
    String field = term.substring(0, op).trim();
    String value = unquote(term.substring(op + (not ? 2 : 1)).trim());
    Predicate<BatchPredictionJob> p;
    if (field.startsWith("labels.")) {
      String key = field.substring(7);
      p = has && value.equals("*") ? j -> j.getLabelsMap().containsKey(key) : j -> matches(j.getLabelsMap().get(key), value, has);
    } else if (field.equals("state")) {
      p = j -> j.getState().name().equals(value);
    } else if (field.equals("display_name") || field.equals("displayName")) {
      p = j -> matches(j.getDisplayName(), value, has);
    } else {
      throw new IllegalArgumentException("Unsupported filter field '" + field + "'; the emulator filters on labels.KEY, state and display_name");
    }
    return not ? p.negate() : p;
  }

  private static boolean matches(String actual, String wanted, boolean has) {
    if (actual == null) {
      return false;
    }
    if (has && wanted.endsWith("*")) {
      return actual.startsWith(wanted.substring(0, wanted.length() - 1));
    }
    return actual.equals(wanted);
  }

  private static int indexOfOperator(String term) {
    for (int i = 0; i < term.length(); i++) {
      char c = term.charAt(i);
      if (c == '=' || c == ':' || (c == '!' && term.startsWith("!=", i))) {
        return i;
      }
    }
    return -1;
  }

  private static String unquote(String v) {
    return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
  }
}
