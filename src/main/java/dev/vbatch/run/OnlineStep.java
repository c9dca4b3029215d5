package dev.vbatch.run;

import com.google.cloud.aiplatform.v1.Content;
import com.google.cloud.aiplatform.v1.GenerateContentRequest;
import com.google.cloud.aiplatform.v1.Part;
import dev.vbatch.event.Event;
import dev.vbatch.event.EventSink;
import dev.vbatch.online.OnlineExecutor;
import dev.vbatch.results.Outcome;
import dev.vbatch.results.OutcomeFile;
import dev.vbatch.results.PredictionDecoder;
import dev.vbatch.results.Usage;
import dev.vbatch.spec.JobSpec;
import dev.vbatch.storage.BlobStore;
import dev.vbatch.util.CrashPoints;
import dev.vbatch.util.TimeSource;
import dev.vbatch.vertex.CloudException;
import dev.vbatch.vertex.OnlineModel;
import dev.vbatch.vertex.VertexOnlineModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.Set;

/**
 * An online round: the round's staged requests sent as generateContent calls instead of a batch
 * job. Each outcome is appended to the round's checkpoint as it arrives (flushed every
 * online.checkpointEvery), so a crash or Ctrl+C resumes without sending an answered request again.
 * Decoding and validation are the batch path's; the round ends with the same round-N.jsonl.
 */
final class OnlineStep {
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);

  private final JobSpec spec;
  private final BlobStore store;
  private final OnlineModel model;
  private final TimeSource time;
  private final EventSink events;
  private final PredictionDecoder decoder;

  OnlineStep(JobSpec spec, BlobStore store, OnlineModel model, TimeSource time, EventSink events) {
    this.spec = spec;
    this.store = store;
    this.model = model;
    this.time = time;
    this.events = events;
    this.decoder = new PredictionDecoder(spec.resultSchema(), spec.generation().getMaxOutputTokens());
  }

  /** What the round ended with: an outcome per key, calls made, and why it stopped early (or null). */
  record Done(Map<String, Outcome> outcomes, long calls, long retries, String stopped) {}

  /**
   * Sends the round's requests that have no recorded outcome; returns every key's outcome. Throws
   * {@link CloudException} when a call fails in a way no retry gets past (permission, model not
   * found): the checkpoint is kept, and running again sends only what is left.
   */
  Done run(List<RunState.ShardState> shards, Set<String> keys, Path checkpoint) throws IOException, InterruptedException {
    Map<String, Outcome> recorded = OutcomeFile.readAppended(checkpoint);
    recorded.keySet().retainAll(keys);
    long toSend = keys.size() - recorded.size();
    JobSpec.Online o = spec.online();
    events.info("sending " + toSend + " request(s) online to " + spec.model() + ": " + o.concurrency() + " at a time"
        + (o.requestsPerMinute() > 0 ? ", at most " + o.requestsPerMinute() + "/min" : "")
        + (o.tokensPerMinute() > 0 ? ", " + o.tokensPerMinute() + " tokens/min" : "")
        + (recorded.isEmpty() ? "" : "; " + recorded.size() + " answered before the restart are not sent again"));
    Progress progress = new Progress(toSend);
    OnlineModel.CallFailure[] fatal = new OnlineModel.CallFailure[1];
    String[] stopped = new String[1];
    long[] failedForGood = new long[1];
    OnlineExecutor executor = new OnlineExecutor(model,
        new OnlineExecutor.Settings(o.concurrency(), o.requestsPerMinute(), o.tokensPerMinute(), o.maxRetries()),
        time, new Random());
    OnlineExecutor.Stats stats;
    try (OutcomeFile.Appender out = new OutcomeFile.Appender(checkpoint);
        StagedRequests staged = new StagedRequests(store, shards)) {
      stats = executor.run(calls(staged, keys, recorded.keySet()), result -> {
        String key = result.call().key();
        if (result.failure() != null && VertexOnlineModel.FATAL.contains(result.failure().code())) {
          fatal[0] = result.failure();
          return false;
        }
        Outcome outcome = result.response() != null ? decoder.outcome(result.response())
            : Outcome.failed("request-error", "the online call failed after " + result.attempts() + " attempt(s): "
                + result.failure().getMessage(), Usage.NONE);
        recorded.put(key, outcome);
        try {
          out.add(key, outcome);
          if (out.buffered() >= o.checkpointEvery()) {
            out.flush();
            CrashPoints.hit("online.checkpoint");
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        progress.add(outcome.status() == Outcome.Status.SUCCEEDED);
        if (outcome.status() != Outcome.Status.SUCCEEDED && o.maxFailed() >= 0 && ++failedForGood[0] > o.maxFailed()) {
          stopped[0] = stopped[0] != null ? stopped[0] : failedForGood[0] + " requests failed for good, more than online.maxFailed (" + o.maxFailed()
              + "); the last: " + outcome.reason() + ": " + outcome.message();
          return false;
        }
        return true;
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    progress.end();
    if (fatal[0] != null) {
      throw new CloudException(fatal[0].code(), fatal[0].getMessage()
          + " (answers so far are kept; run the job again once this is fixed)", null);
    }
    if (stopped[0] != null) {
      events.warn("stopped sending: " + stopped[0] + ". Finished results are kept; the " + (keys.size() - recorded.size())
          + " request(s) not sent are reported as 'stopped'");
    }
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    for (String key : keys) {
      Outcome got = recorded.get(key);
      outcomes.put(key, got != null ? got : Outcome.failed("stopped", "not sent: the run stopped early because "
          + (stopped[0] != null ? stopped[0] : "it was interrupted") + "; fix the cause and run the job again "
          + "(answered requests are not sent again)", Usage.NONE));
    }
    return new Done(outcomes, stats.attempts(), stats.retries(), stopped[0]);
  }

  /** The requests of {@code shards} whose key is in {@code keys} and not in {@code skip}, read lazily. */
  private Iterator<OnlineExecutor.Call> calls(StagedRequests staged, Set<String> keys, Set<String> skip) {
    Set<String> seen = new HashSet<>();
    return new Iterator<>() {
      private OnlineExecutor.Call next;

      @Override
      public boolean hasNext() {
        while (next == null && staged.hasNext()) {
          StagedRequests.Entry e = staged.next();
          if (keys.contains(e.key()) && !skip.contains(e.key()) && seen.add(e.key())) {
            next = new OnlineExecutor.Call(e.key(), e.request(), estimate(e.request()));
          }
        }
        return next != null;
      }

      @Override
      public OnlineExecutor.Call next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        OnlineExecutor.Call c = next;
        next = null;
        return c;
      }
    };
  }

  /** The prompt tokens a request is expected to use, until its response says: text at 4 characters a token, 258 a file. */
  static long estimate(GenerateContentRequest request) {
    long tokens = 0;
    List<Content> contents = new ArrayList<>(request.getContentsList());
    contents.add(request.getSystemInstruction());
    for (Content c : contents) {
      for (Part p : c.getPartsList()) {
        tokens += p.hasFileData() ? 258 : p.getText().length() / 4 + 1;
      }
    }
    return tokens;
  }

  /** Progress events: at most one a second, and the last. */
  private final class Progress {
    private final long total;
    private final Instant start = time.now();
    private Instant last = Instant.MIN;
    private long succeeded;
    private long failed;

    Progress(long total) {
      this.total = total;
    }

    void add(boolean ok) {
      if (ok) {
        succeeded++;
      } else {
        failed++;
      }
      Instant now = time.now();
      if (Duration.between(last, now).compareTo(PROGRESS_EVERY) >= 0) {
        last = now;
        emit(now);
      }
    }

    void end() {
      emit(time.now());
    }

    private void emit(Instant now) {
      double seconds = Math.max(1e-3, Duration.between(start, now).toNanos() / 1e9);
      long done = succeeded + failed;
      double rate = done / seconds;
      Duration eta = rate > 0 ? Duration.ofMillis((long) ((total - done) / rate * 1000)) : null;
      events.emit(new Event.Calls(done, total, succeeded, failed, rate, eta));
    }
  }
}
