package dev.vbatch.emulator;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the emulator behaves: its timeline (queue delay, start delay, processing rate, when a job
 * that never starts expires), how long an online call takes (uniform in latency ± latencySpread),
 * and the seeded faults it injects.
 */
public record EmulatorConfig(
    Duration queueDelay, Duration startDelay, double rowsPerSecond, Duration expireAfter, long seed,
    Map<String, Double> faults, Duration latency, Duration latencySpread) {

  /** The faults the emulator knows, each taking a rate from 0 to 1. */
  public static final List<String> FAULTS =
      List.of("row-error", "invalid-request", "blocked", "malformed-json", "truncated-json", "thought-parts", "split-answer", "empty-stop",
          "no-total-tokens", "transient", "job-failure", "expire", "stuck");

  public static EmulatorConfig defaults() {
    return new EmulatorConfig(Duration.ofMillis(800), Duration.ofMillis(400), 40, Duration.ofSeconds(10), 0, Map.of(),
        Duration.ZERO, Duration.ZERO);
  }

  /** The same timeline run {@code speed} times faster. */
  public EmulatorConfig scaled(double speed) {
    return new EmulatorConfig(Duration.ofNanos((long) (queueDelay.toNanos() / speed)),
        Duration.ofNanos((long) (startDelay.toNanos() / speed)), rowsPerSecond * speed,
        Duration.ofNanos((long) (expireAfter.toNanos() / speed)), seed, faults,
        Duration.ofNanos((long) (latency.toNanos() / speed)), Duration.ofNanos((long) (latencySpread.toNanos() / speed)));
  }

  public double rate(String fault) {
    return faults.getOrDefault(fault, 0.0);
  }

  public EmulatorConfig withFaults(Map<String, Double> more, long seed) {
    Map<String, Double> all = new LinkedHashMap<>(faults);
    all.putAll(more);
    return new EmulatorConfig(queueDelay, startDelay, rowsPerSecond, expireAfter, seed, Map.copyOf(all), latency,
        latencySpread);
  }

  /** The same, with online calls answered after {@code latency} ± {@code spread} (uniform). */
  public EmulatorConfig withLatency(Duration latency, Duration spread) {
    return new EmulatorConfig(queueDelay, startDelay, rowsPerSecond, expireAfter, seed, faults, latency, spread);
  }

  /**
   * Parses NAME=RATE; throws IllegalArgumentException with a message that lists the known faults.
   */
  public static Map.Entry<String, Double> parseFault(String text) {
    int eq = text.indexOf('=');
    String name = eq < 0 ? text : text.substring(0, eq);
    if (!FAULTS.contains(name)) {
      throw new IllegalArgumentException("unknown fault '" + name + "'; known faults: " + String.join(", ", FAULTS));
    }
    double rate;
    try {
      rate = eq < 0 ? 1.0 : Double.parseDouble(text.substring(eq + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("fault '" + text + "' needs a rate from 0 to 1, e.g. " + name + "=0.2");
    }
    if (rate < 0 || rate > 1) {
      throw new IllegalArgumentException("fault '" + text + "' has rate " + rate + "; use a rate from 0 to 1");
    }
    return Map.entry(name, rate);
  }
}
