package dev.vbatch.results;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vbatch.util.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * Estimated prices per million tokens at online rates, from {@code pricing.json} (with the date it
 * was read off Google's price list). Batch is half of online.
 */
public final class Pricing {
  private static final JsonNode TABLE = load();

  /** Dollars per million tokens. */
  public record Rates(double input, double output) {}

  private Pricing() {}

  public static Optional<Rates> online(String model) {
    String id = model.substring(model.lastIndexOf('/') + 1);
    JsonNode best = null;
    int bestLength = -1;
    for (var it = TABLE.path("models").fields(); it.hasNext(); ) {
      var e = it.next();
      if (id.startsWith(e.getKey()) && e.getKey().length() > bestLength) {
        best = e.getValue();
        bestLength = e.getKey().length();
      }
    }
    return best == null ? Optional.empty()
        : Optional.of(new Rates(best.path("input").asDouble(), best.path("output").asDouble()));
  }

  /** The models the table prices, which are the models vbatch knows. */
  public static java.util.List<String> knownModels() {
    java.util.List<String> names = new java.util.ArrayList<>();
    TABLE.path("models").fieldNames().forEachRemaining(names::add);
    return names;
  }

  public static double batchDiscount() {
    return TABLE.path("batchDiscount").asDouble(0.5);
  }

  public static String asOf() {
    return TABLE.path("asOf").asText();
  }

  /** Dollars for these tokens; thinking tokens are billed as output. */
  public static double cost(Rates rates, long inputTokens, long outputTokens, boolean batch) {
    double dollars = (inputTokens * rates.input() + outputTokens * rates.output()) / 1_000_000.0;
    return batch ? dollars * (1 - batchDiscount()) : dollars;
  }

  private static JsonNode load() {
    try (InputStream in = Pricing.class.getResourceAsStream("/pricing.json")) {
      return Json.MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
