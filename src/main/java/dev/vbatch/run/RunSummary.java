package dev.vbatch.run;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vbatch.results.Pricing;
import dev.vbatch.results.ResultWriter;
import dev.vbatch.results.Usage;
import dev.vbatch.spec.JobSpec;
import dev.vbatch.util.Json;
import dev.vbatch.vertex.JobState;
import java.nio.file.Path;

/**
 * summary.json: counts by status and reason, requests sent and resent, rounds, jobs, predictions
 * read, tokens, estimated cost (as run, all batch, all online) and stage durations, all from the run's saved state and its results.
 */
final class RunSummary {
  private RunSummary() {}

  static ObjectNode of(JobSpec spec, String backend, Path outDir, RunState state, ResultsStep.Done results) {
    ResultWriter.Counts counts = results.counts();
    ObjectNode s = Json.object();
    s.put("runId", state.runId);
    s.put("job", spec.name());
    s.put("model", spec.model());
    s.put("backend", backend);
    s.put("output", outDir.toAbsolutePath().toString());
    s.put("items", counts.items());
    s.put("succeeded", counts.succeeded());
    s.put("failed", counts.failed());
    s.put("skipped", counts.skipped());
    s.put("reused", state.reused);
    ObjectNode byReason = s.putObject("byReason");
    counts.byReason().forEach(byReason::put);
    ObjectNode req = s.putObject("requests");
    long sendable = results.sendable();
    long distinct = results.distinct();
    req.put("distinct", distinct);
    req.put("deduplicated", sendable - distinct);
    req.put("sent", state.rounds.isEmpty() ? 0 : state.rounds.get(0).requests);
    req.put("resent", state.rounds.stream().skip(1).mapToLong(r -> r.requests).sum());
    req.put("shards", state.shardsOf(1).size());
    ArrayNode rounds = s.putArray("rounds");
    long lines = 0;
    long unmatched = 0;
    long duplicates = 0;
    Usage u = Usage.NONE;
    Usage online = Usage.NONE;
    for (RunState.RoundState r : state.rounds) {
      ObjectNode rn = rounds.addObject().put("round", r.round).put("mode", r.mode).put("requests", r.requests)
          .put("succeeded", r.succeeded).put("failed", r.failed);
      if ("online".equals(r.mode)) {
        rn.put("calls", r.calls).put("retries", r.retries);
        online = online.plus(new Usage(r.promptTokens, r.candidatesTokens, r.thoughtsTokens, r.totalTokens));
      }
      lines += r.lines;
      unmatched += r.unmatched;
      duplicates += r.duplicates;
      u = u.plus(new Usage(r.promptTokens, r.candidatesTokens, r.thoughtsTokens, r.totalTokens));
    }
    s.put("retried", results.retried());
    ArrayNode jobList = s.putArray("jobs");
    int jobFailures = 0;
    for (RunState.ShardState sh : state.shards) {
      if (state.isOnline(sh.round)) {
        continue;
      }
      ObjectNode n = jobList.addObject();
      n.put("round", sh.round);
      n.put("shard", sh.index);
      n.put("name", sh.jobName);
      n.put("state", sh.state);
      n.put("succeeded", sh.succeeded);
      n.put("failed", sh.failed);
      n.put("outputDirectory", sh.outputDirectory);
      n.put("error", sh.error);
      if (sh.timedOut) {
        n.put("timedOut", true);
      }
      if (sh.jobState().map(JobState::isJobFailure).orElse(false)) {
        jobFailures++;
      }
    }
    s.put("jobFailures", jobFailures);
    if (state.stopped != null) {
      s.put("stopped", state.stopped);
    }
    ObjectNode preds = s.putObject("predictions");
    preds.put("lines", lines);
    preds.put("unmatched", unmatched);
    preds.put("duplicates", duplicates);
    ObjectNode tokens = s.putObject("tokens");
    tokens.put("prompt", u.prompt());
    tokens.put("candidates", u.candidates());
    tokens.put("thoughts", u.thoughts());
    tokens.put("total", u.total());
    ObjectNode cost = s.putObject("cost");
    cost.put("currency", "USD");
    Usage used = u;
    Usage usedOnline = online;
    Pricing.online(spec.model()).ifPresentOrElse(rates -> {
      long out = used.candidates() + used.thoughts();
      long onlineOut = usedOnline.candidates() + usedOnline.thoughts();
      // What this run cost: batch rounds at batch prices, online rounds at online prices.
      cost.put("estimate", round(Pricing.cost(rates, used.prompt() - usedOnline.prompt(), out - onlineOut, true)
          + Pricing.cost(rates, usedOnline.prompt(), onlineOut, false)));
      cost.put("batch", round(Pricing.cost(rates, used.prompt(), out, true)));
      cost.put("online", round(Pricing.cost(rates, used.prompt(), out, false)));
      cost.put("pricesAsOf", Pricing.asOf());
      cost.put("note", "estimate from token counts at list prices; the bill is authoritative");
    }, () -> cost.put("note", "no price known for model " + spec.model()));
    ObjectNode d = s.putObject("durationsSeconds");
    state.durations.forEach(d::put);
    return s;
  }

  private static double round(double dollars) {
    return Math.round(dollars * 1_000_000.0) / 1_000_000.0;
  }

}
