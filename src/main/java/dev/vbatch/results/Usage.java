package dev.vbatch.results;

/**
 * Token counts of one response, from its usageMetadata: prompt, candidates (the answer), thoughts,
 * total, and of the prompt the part read from the implicit cache and the part from tool use.
 */
public record Usage(long prompt, long candidates, long thoughts, long total, long cached, long toolUse) {
  public static final Usage NONE = new Usage(0, 0, 0, 0);

  public Usage(long prompt, long candidates, long thoughts, long total) {
    this(prompt, candidates, thoughts, total, 0, 0);
  }

  public Usage plus(Usage o) {
    return new Usage(prompt + o.prompt, candidates + o.candidates, thoughts + o.thoughts, total + o.total,
        cached + o.cached, toolUse + o.toolUse);
  }
}
