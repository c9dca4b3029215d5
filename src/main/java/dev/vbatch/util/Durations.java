package dev.vbatch.util;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in a spec or on the command line: 200ms, 90s, 30m, 6h, 2d, 1h30m. */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|[smhd])");

  private Durations() {}

  public static Duration parse(String text) {
    String s = text.trim().toLowerCase();
    if (s.startsWith("p")) {
      try {
        return Duration.parse(s.toUpperCase());
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("write a duration such as 200ms, 90s, 30m, 6h, 2d or 1h30m");
      }
    }
    Matcher m = PART.matcher(s);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      });
      end = m.end();
    }
    if (end == 0 || end != s.length()) {
      throw new IllegalArgumentException("write a duration such as 200ms, 90s, 30m, 6h, 2d or 1h30m");
    }
    return total;
  }

  /** A short human form: 2d3h, 5h12m, 4m10s, 12s. */
  public static String format(Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s >= 86_400) {
      return s / 86_400 + "d" + (s % 86_400) / 3600 + "h";
    }
    if (s >= 3600) {
      return s / 3600 + "h" + (s % 3600) / 60 + "m";
    }
    if (s >= 60) {
      return s / 60 + "m" + s % 60 + "s";
    }
    return s + "s";
  }
}
