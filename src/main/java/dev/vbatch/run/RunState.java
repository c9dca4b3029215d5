package dev.vbatch.run;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.vbatch.util.AtomicFiles;
import dev.vbatch.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run has done, written atomically before and after every remote side effect, so a later
 * process (a resume after a crash, or 'status' and 'fetch') can tell which shards were submitted
 * as which jobs, which rounds were collected, and what is left to do.
 */
public final class RunState {
  public String runId;
  public String job;
  public String spec;
  /** A digest of everything in the spec that shapes requests; a resume with a changed spec is refused. */
  public String specDigest;
  public String backend;
  public String createdAt;
  public String stage;
  public String output;
  /** 1 + the retry rounds allowed. */
  public int maxRounds = 1;
  /** Whether answers from earlier runs were ignored (--refresh). */
  public boolean refresh;
  /** Set by 'cancel': no further rounds are started. */
  public boolean cancelled;
  /** How round 1 and the retry rounds are sent (batch, online or auto), fixed when the run starts. */
  public String mode = "batch";
  public String retryMode = "batch";
  /** Why an online round stopped early (online.maxFailed); no further round starts. */
  public String stopped;
  /** Items answered from the result store instead of being sent. */
  public long reused;
  public Map<String, Double> durations = new LinkedHashMap<>();
  /** Round 1 sends every new request; each later round resends the retryable failures of the one before. */
  public List<RoundState> rounds = new ArrayList<>();
  public List<ShardState> shards = new ArrayList<>();

  /** One round. */
  public static final class RoundState {
    public int round;
    public long requests;
    /** Set once its outcomes are in round-N.jsonl. */
    public boolean collected;
    /** batch (jobs) or online (generateContent calls); decided when the round is built. */
    public String mode = "batch";
    /** Online rounds: calls made, retries included, and how many were retries. */
    public long calls;
    public long retries;
    public long succeeded;
    public long failed;
    public long lines;
    public long unmatched;
    public long duplicates;
    public long promptTokens;
    public long candidatesTokens;
    public long thoughtsTokens;
    public long totalTokens;
  }

  /** One shard and the batch job that runs it. */
  public static final class ShardState {
    public int round = 1;
    public int index;
    public String inputUri;
    public int requests;
    public long bytes;
    public String outputPrefix;
    public String jobName;
    /** UNSUBMITTED, SUBMITTING (a create was attempted), or the job's state. */
    public String state;
    public String submittedAt;
    public long succeeded;
    public long failed;
    public String outputDirectory;
    public String error;
    /** Cancelled by the watchdog after limits.maxWait. */
    public boolean timedOut;
    public boolean cancelRequested;

    /** The job's state as last seen; empty before it has a job, or after it was deleted. */
    @JsonIgnore
    public java.util.Optional<dev.vbatch.vertex.JobState> jobState() {
      if (jobName == null || state == null) {
        return java.util.Optional.empty();
      }
      try {
        return java.util.Optional.of(dev.vbatch.vertex.JobState.valueOf(state));
      } catch (IllegalArgumentException e) {
        return java.util.Optional.empty();
      }
    }
  }

  /** The round being worked on, or null before the requests are built. */
  @JsonIgnore
  public boolean isOnline(int round) {
    return rounds.stream().anyMatch(r -> r.round == round && "online".equals(r.mode));
  }

  public RoundState current() {
    return rounds.isEmpty() ? null : rounds.get(rounds.size() - 1);
  }

  @JsonIgnore
  public List<ShardState> shardsOf(int round) {
    return shards.stream().filter(s -> s.round == round).toList();
  }

  public void save(Path file) throws IOException {
    AtomicFiles.write(file, out -> Json.PRETTY.writeValue(out, this));
  }

  public static RunState load(Path file) throws IOException {
    try (var in = Files.newInputStream(file)) {
      return Json.MAPPER.readValue(in, RunState.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      String why = e.getOriginalMessage().replaceAll("\\s*\\(start marker at .*", "").replaceAll("\\s+", " ");
      throw new IOException(file + " is not a readable run state (" + why + " at line "
          + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + "); the run cannot be taken up from it", e);
    }
  }
}
