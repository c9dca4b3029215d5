package dev.vbatch.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.aiplatform.v1.GenerationConfig;
import java.util.Set;

/** Reads {@code generation}: each setting range-checked against what Vertex accepts. */
final class GenerationReader {
  private final Problems problems;

  GenerationReader(Problems problems) {
    this.problems = problems;
  }

  GenerationConfig read(JsonNode node) {
    GenerationConfig.Builder b = GenerationConfig.newBuilder();
    if (node == null || node.isMissingNode() || node.isNull()) {
      return b.build();
    }
    if (!node.isObject()) {
      problems.error("generation", "must be a mapping of settings such as temperature: 0.2");
      return b.build();
    }
    problems.unknownKeys(node, Set.of("temperature", "topP", "topK", "candidateCount", "seed",
        "maxOutputTokens", "presencePenalty", "frequencyPenalty", "thinkingBudget", "stopSequences",
        "safety"), "generation.");
    Double v;
    if ((v = number(node, "temperature", 0, 2)) != null) {
      b.setTemperature(v.floatValue());
    }
    if ((v = number(node, "topP", 0, 1)) != null) {
      b.setTopP(v.floatValue());
    }
    if ((v = number(node, "topK", 1, 64)) != null) {
      b.setTopK(v.floatValue());
    }
    if ((v = whole(node, "candidateCount", 1, 8)) != null) {
      b.setCandidateCount(v.intValue());
      if (v.intValue() > 1) {
        problems.warn("generation.candidateCount", "is " + v.intValue() + "; vbatch decodes the first candidate only, the others are paid for but unused");
      }
    }
    if ((v = whole(node, "seed", Integer.MIN_VALUE, Integer.MAX_VALUE)) != null) {
      b.setSeed(v.intValue());
    }
    if ((v = whole(node, "maxOutputTokens", 1, 65_536)) != null) {
      b.setMaxOutputTokens(v.intValue());
    }
    if ((v = number(node, "presencePenalty", -2, 2)) != null) {
      b.setPresencePenalty(v.floatValue());
    }
    if ((v = number(node, "frequencyPenalty", -2, 2)) != null) {
      b.setFrequencyPenalty(v.floatValue());
    }
    if ((v = whole(node, "thinkingBudget", -1, 32_768)) != null) {
      b.setThinkingConfig(GenerationConfig.ThinkingConfig.newBuilder().setThinkingBudget(v.intValue()));
    }
    JsonNode stops = node.get("stopSequences");
    if (stops != null && !stops.isNull()) {
      if (!stops.isArray() || stops.size() > 5) {
        problems.error("generation.stopSequences", "must be a list of at most 5 strings");
      } else {
        stops.forEach(s -> b.addStopSequences(s.asText()));
      }
    }
    return b.build();
  }

  private Double number(JsonNode node, String key, double min, double max) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isNumber()) {
      problems.error("generation." + key, "is '" + v.asText() + "'; it must be a number from " + fmt(min) + " to " + fmt(max));
      return null;
    }
    double d = v.asDouble();
    if (d < min || d > max) {
      problems.error("generation." + key, "is " + v.asText() + "; allowed " + fmt(min) + " to " + fmt(max));
      return null;
    }
    return d;
  }

  private Double whole(JsonNode node, String key, long min, long max) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber()) {
      problems.error("generation." + key, "is '" + v.asText() + "'; it must be a whole number from " + min + " to " + max);
      return null;
    }
    long l = v.asLong();
    if (l < min || l > max) {
      problems.error("generation." + key, "is " + l + "; allowed " + min + " to " + max);
      return null;
    }
    return (double) l;
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }
}
