package dev.vbatch.results;

/** Token counts of one response, from its usageMetadata. */
public record Usage(long prompt, long candidates, long thoughts, long total) {
  public static final Usage NONE = new Usage(0, 0, 0, 0);

  public Usage plus(Usage o) {
    return new Usage(prompt + o.prompt, candidates + o.candidates, thoughts + o.thoughts, total + o.total);
  }
}
