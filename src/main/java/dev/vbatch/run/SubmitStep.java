package dev.vbatch.run;

import dev.vbatch.event.EventSink;
import dev.vbatch.spec.JobSpec;
import dev.vbatch.storage.BlobStore;
import dev.vbatch.vertex.BatchJob;
import dev.vbatch.vertex.BatchJobs;
import dev.vbatch.vertex.JobRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Creates one batch job per shard, labelled with the run, shard and job name. The state is saved
 * before each create (so a crash shows the attempt) and after (with the job's name).
 */
public final class SubmitStep {
  private SubmitStep() {}

  public static void run(JobSpec spec, RunState state, Path stateFile, BlobStore store, BatchJobs jobs,
      List<ShardSink.Shard> shards, EventSink events) throws IOException, InterruptedException {
    for (ShardSink.Shard shard : shards) {
      RunState.ShardState s = new RunState.ShardState();
      s.index = shard.index();
      s.inputUri = store.uri(shard.path());
      s.requests = shard.requests();
      s.bytes = shard.bytes();
      s.outputPrefix = store.uri("runs/" + state.runId + "/output/" + String.format("shard-%05d", shard.index()));
      s.state = "SUBMITTING";
      state.shards.add(s);
      state.save(stateFile);
      Map<String, String> labels = new LinkedHashMap<>(spec.labels());
      labels.put("vbatch-run", state.runId);
      labels.put("vbatch-shard", String.format("%05d", shard.index()));
      labels.put("vbatch-job", spec.name());
      String displayName = "vbatch-" + spec.name() + "-" + state.runId + "-" + String.format("%05d", shard.index());
      BatchJob job = jobs.create(new JobRequest(displayName, spec.modelResource(), List.of(s.inputUri), s.outputPrefix, labels));
      s.jobName = job.name();
      s.state = job.state().name();
      state.save(stateFile);
      events.info("submitted shard " + shard.index() + " (" + shard.requests() + " requests) as " + job.name());
    }
  }
}
