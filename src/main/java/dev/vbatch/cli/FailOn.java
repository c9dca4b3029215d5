package dev.vbatch.cli;

import dev.vbatch.run.RunReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/**
 * When a finished run counts as failed, for schedulers: by default any failed or skipped item gives
 * exit code 5; with --fail-on, only a crossed threshold does ("failed>2%", "failed+skipped>100",
 * "skipped>0"), so a nightly run with a handful of bad documents succeeds and lists them in
 * failures.jsonl. Items lost to a failed batch job still give exit code 4.
 */
final class FailOn {
  private static final Pattern RULE = Pattern.compile("(failed|skipped|failed\\+skipped)\\s*>\\s*(\\d+(?:\\.\\d+)?)(%?)");

  @Option(names = "--fail-on", paramLabel = "RULE", split = ",",
      description = "Exit with code 5 only when a threshold is crossed: failed>N, failed>N%%, skipped>N%%, failed+skipped>N%% "
          + "(percent of all items; several rules separated by commas, any one crossed fails). Without it, any failed or "
          + "skipped item gives 5.")
  List<String> rules = new ArrayList<>();

  /** One threshold: what is counted, the limit, and whether the limit is a percentage of the items. */
  record Rule(String what, double limit, boolean percent) {
    long count(RunReport r) {
      return switch (what) {
        case "failed" -> r.failed();
        case "skipped" -> r.skipped();
        default -> r.failed() + r.skipped();
      };
    }

    boolean crossed(RunReport r) {
      double value = percent ? (r.items() == 0 ? 0 : 100.0 * count(r) / r.items()) : count(r);
      return value > limit;
    }

    String describe(RunReport r) {
      String value = percent ? String.format(Locale.ROOT, "%.2f%%", r.items() == 0 ? 0 : 100.0 * count(r) / r.items())
          : String.valueOf(count(r));
      return what + " " + value + " > " + (percent ? String.format(Locale.ROOT, "%s%%", trim(limit)) : trim(limit));
    }

    private static String trim(double d) {
      return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
  }

  /** The rules given, checked before the run starts; a bad one is a usage error that names it. */
  List<Rule> rules(picocli.CommandLine cmd) {
    try {
      return parse(rules);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(cmd, e.getMessage());
    }
  }

  /** The rules, or an error message naming the bad one. */
  static List<Rule> parse(List<String> texts) {
    List<Rule> out = new ArrayList<>();
    for (String text : texts) {
      Matcher m = RULE.matcher(text.trim().toLowerCase(Locale.ROOT));
      if (!m.matches()) {
        throw new IllegalArgumentException("--fail-on '" + text + "' is not a rule; write failed>2%, skipped>10 or "
            + "failed+skipped>5% (a count, or a percentage of all items)");
      }
      double limit = Double.parseDouble(m.group(2));
      if (!m.group(3).isEmpty() && limit > 100) {
        throw new IllegalArgumentException("--fail-on '" + text + "': a percentage is at most 100");
      }
      out.add(new Rule(m.group(1), limit, !m.group(3).isEmpty()));
    }
    return out;
  }

  /** The first rule the run crosses, described; empty when it crosses none. Only asked when rules were given. */
  static Optional<String> crossed(List<Rule> rules, RunReport report) {
    return rules.stream().filter(r -> r.crossed(report)).map(r -> r.describe(report)).findFirst();
  }
}
