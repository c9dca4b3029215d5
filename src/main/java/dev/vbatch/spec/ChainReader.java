package dev.vbatch.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads a spec's {@code steps:} into a chain of step specs, each read by the spec reader as a job of its own. */
final class ChainReader {
  private static final Set<String> STEP_KEYS = Set.of("name", "prompt", "schema", "model", "generation", "history", "when");

  /** Reads one job from a spec tree, with template variables under the given step prefixes allowed. */
  @FunctionalInterface
  interface StepReader {
    JobSpec read(JsonNode root, Set<String> stepPrefixes);
  }

  private final Problems problems;
  private final StepReader steps;

  ChainReader(Problems problems, StepReader steps) {
    this.problems = problems;
    this.steps = steps;
  }

  /**
   * A chain: each step is read as a job of its own, the job's settings with the step's prompt,
   * schema, model and generation in place of the job's; problems name the step.
   */
  JobSpec read(ObjectNode root) throws SpecException {
    JsonNode list = root.get("steps");
    if (!list.isArray() || list.isEmpty()) {
      problems.error("steps", "must be a list of steps, each with a name, a prompt and a schema");
      problems.throwIfAny();
    }
    for (String key : List.of("prompt", "schema")) {
      if (root.has(key)) {
        problems.error(key, "is given beside steps; with steps, each step has its own " + key + " (move it into the first step)");
      }
    }
    List<JobSpec.Step> chain = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode step = list.get(i);
      String stepName = step.path("name").asText("");
      problems.scope("steps[" + (i + 1) + "]" + (stepName.isEmpty() ? "" : " (" + stepName + ")") + ": ");
      if (!step.isObject()) {
        problems.errorInFile("steps[" + (i + 1) + "] must be a mapping with name, prompt and schema");
        continue;
      }
      problems.unknownKeys(step, STEP_KEYS, "");
      if (!stepName.matches("[a-z][a-z0-9_]{0,30}")) {
        problems.error("name", "is '" + stepName + "'; give each step a name of lowercase letters, digits or '_' "
            + "(later steps use it: ${steps.NAME.data.FIELD})");
      } else if (!names.add(stepName)) {
        problems.error("name", "'" + stepName + "' is used by an earlier step; step names must differ");
      }
      ObjectNode merged = root.deepCopy();
      merged.remove("steps");
      for (String key : List.of("prompt", "schema", "model", "generation")) {
        if (step.has(key)) {
          merged.set(key, step.get(key));
        }
      }
      Set<String> earlier = new HashSet<>();
      chain.forEach(s -> earlier.add("steps." + s.name() + "."));
      JobSpec spec = steps.read(merged, earlier);
      Optional<Condition> when = Optional.empty();
      if (step.hasNonNull("when")) {
        if (i == 0) {
          problems.error("when", "is on the first step; every item starts the chain (filter items with input instead)");
        } else {
          try {
            Condition c = Condition.parse(step.get("when").asText());
            if (!c.path().startsWith("steps.") || earlier.stream().noneMatch(c.path()::startsWith)) {
              if (!InputReader.variables(spec.input()).contains(c.path())) {
                problems.error("when", "reads '" + c.path() + "'; read an earlier step's data (" + earlier.stream().sorted()
                    .map(e -> e + "data.FIELD").reduce((a, b) -> a + ", " + b).orElse("") + ") or an input variable");
              }
            }
            when = Optional.of(c);
          } catch (IllegalArgumentException e) {
            problems.error("when", e.getMessage());
          }
        }
      }
      boolean history = false;
      if (step.has("history")) {
        if (!step.get("history").isBoolean()) {
          problems.error("history", "is '" + step.get("history").asText() + "'; use true (send the earlier steps' turns) or false");
        } else {
          history = step.get("history").booleanValue();
        }
      }
      chain.add(new JobSpec.Step(stepName, spec, history, when));
    }
    problems.scope("");
    problems.throwIfAny();
    return chain.get(0).spec().withSteps(chain);
  }
}
