package dev.vbatch.cli;

import dev.vbatch.emulator.EmulatorConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Fault injection and timing for the emulator, on {@code run} and {@code emulator}. */
final class EmulatorOptions {
  @Option(names = "--emulator-fault", paramLabel = "NAME=RATE",
      description = "Inject a fault into the emulator at RATE (0 to 1); repeatable. Per row: row-error (a 429 or 500, "
          + "worth a retry), invalid-request (a 400, not), blocked (prompt blockReason, SAFETY, PROHIBITED_CONTENT, "
          + "MODEL_ARMOR, IMAGE_SAFETY), malformed-json, truncated-json, thought-parts, split-answer, empty-stop, "
          + "no-total-tokens; per call: transient (UNAVAILABLE or RESOURCE_EXHAUSTED, online calls too); per job: "
          + "job-failure (code 13 half way), expire, stuck.")
  List<String> faults = new ArrayList<>();

  @Option(names = "--emulator-seed", paramLabel = "N", defaultValue = "0",
      description = "Seed of the emulator's faults and output order (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--emulator-speed", paramLabel = "X", defaultValue = "1",
      description = "Run the emulator's timeline X times faster (queue, start, rows per second, expiry); for demos and tests.")
  double speed;

  @Option(names = "--emulator-latency", paramLabel = "DURATION", defaultValue = "0s",
      description = "How long the emulator takes to answer an online call, e.g. 200ms (default: ${DEFAULT-VALUE}).")
  String latency;

  @Option(names = "--emulator-latency-spread", paramLabel = "DURATION", defaultValue = "0s",
      description = "Spread of the online latency: each call takes a uniform draw from latency ± spread (default: ${DEFAULT-VALUE}).")
  String latencySpread;

  EmulatorConfig config(CommandSpec spec) {
    if (!(speed >= 0.01 && speed <= 1000)) {
      throw new ParameterException(spec.commandLine(), "--emulator-speed is " + speed + "; use a factor from 0.01 to 1000");
    }
    Map<String, Double> parsed = new LinkedHashMap<>();
    for (String f : faults) {
      try {
        Map.Entry<String, Double> e = EmulatorConfig.parseFault(f);
        parsed.put(e.getKey(), e.getValue());
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--emulator-fault: " + e.getMessage());
      }
    }
    java.time.Duration l;
    java.time.Duration spread;
    try {
      l = dev.vbatch.util.Durations.parse(latency);
      spread = dev.vbatch.util.Durations.parse(latencySpread);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--emulator-latency: " + e.getMessage());
    }
    if (spread.compareTo(l) > 0) {
      throw new ParameterException(spec.commandLine(), "--emulator-latency-spread (" + latencySpread
          + ") is larger than --emulator-latency (" + latency + "); a call cannot take less than no time");
    }
    return EmulatorConfig.defaults().withLatency(l, spread).scaled(speed).withFaults(parsed, seed);
  }
}
