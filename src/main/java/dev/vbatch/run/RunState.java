package dev.vbatch.run;

import dev.vbatch.util.AtomicFiles;
import dev.vbatch.util.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a run has done, written atomically before and after every remote side effect, so a later
 * process can see which shards were submitted and as which jobs.
 */
public final class RunState {
  public String runId;
  public String job;
  public String spec;
  public String backend;
  public String createdAt;
  public String stage;
  public String output;
  public java.util.Map<String, Double> durations = new java.util.LinkedHashMap<>();
  public List<ShardState> shards = new ArrayList<>();

  /** One shard and the batch job that runs it. */
  public static final class ShardState {
    public int index;
    public String inputUri;
    public int requests;
    public long bytes;
    public String outputPrefix;
    public String jobName;
    public String state;
    public String outputDirectory;
    public String error;
  }

  public void save(Path file) throws IOException {
    AtomicFiles.write(file, out -> Json.PRETTY.writeValue(out, this));
  }

  public static RunState load(Path file) throws IOException {
    try (var in = java.nio.file.Files.newInputStream(file)) {
      return Json.MAPPER.readValue(in, RunState.class);
    }
  }
}
