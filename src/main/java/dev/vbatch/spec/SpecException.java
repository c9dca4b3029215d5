package dev.vbatch.spec;

import java.util.List;

/** A job spec that cannot be used, with every problem found in it. */
public final class SpecException extends Exception {
  private final List<String> problems;

  public SpecException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
