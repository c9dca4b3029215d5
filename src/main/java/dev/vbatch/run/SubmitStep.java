package dev.vbatch.run;

import dev.vbatch.event.EventSink;
import dev.vbatch.spec.JobSpec;
import dev.vbatch.util.CrashPoints;
import dev.vbatch.util.TimeSource;
import dev.vbatch.vertex.BatchJob;
import dev.vbatch.vertex.BatchJobs;
import dev.vbatch.vertex.JobRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Creates one batch job per shard not yet submitted, labelled with the run, round, shard and job
 * name. The shard is marked SUBMITTING before the create and given its job's name after; a shard
 * found SUBMITTING (the process died in between) is first looked up by its labels, so it is never
 * submitted twice.
 */
public final class SubmitStep {
  private SubmitStep() {}

  public static void run(JobSpec spec, RunState state, Path stateFile, BatchJobs jobs, List<RunState.ShardState> shards,
      TimeSource time, EventSink events) throws IOException, InterruptedException {
    events.emit(new dev.vbatch.event.Event.Stage("submit"));
    for (RunState.ShardState s : shards) {
      if (s.jobName != null) {
        continue;
      }
      Map<String, String> labels = labels(spec, state.runId, s);
      if ("SUBMITTING".equals(s.state)) {
        List<BatchJob> found = jobs.findByLabels(labels);
        if (!found.isEmpty()) {
          BatchJob job = found.get(0);
          record(s, job, job.createTime().toString());
          state.save(stateFile);
          events.info("shard " + s.index + " was submitted as " + job.name() + " before the run stopped; not submitting it again");
          continue;
        }
      }
      s.state = "SUBMITTING";
      state.save(stateFile);
      CrashPoints.hit("submit.before-create");
      String displayName = "vbatch-" + spec.name() + "-" + state.runId + "-" + labels.get("vbatch-shard");
      BatchJob job = jobs.create(new JobRequest(displayName, spec.modelResource(), List.of(s.inputUri), s.outputPrefix, labels));
      CrashPoints.hit("submit.after-create");
      record(s, job, time.now().toString());
      state.save(stateFile);
      events.info("submitted " + (s.round > 1 ? "retry round " + s.round + " " : "") + "shard " + s.index
          + " (" + s.requests + " requests) as " + job.name());
    }
  }

  static Map<String, String> labels(JobSpec spec, String runId, RunState.ShardState s) {
    Map<String, String> labels = new LinkedHashMap<>(spec.labels());
    labels.put("vbatch-run", runId);
    labels.put("vbatch-round", String.valueOf(s.round));
    labels.put("vbatch-shard", (s.round > 1 ? "r" + s.round + "-" : "") + String.format("%05d", s.index));
    labels.put("vbatch-job", spec.name());
    return labels;
  }

  private static void record(RunState.ShardState s, BatchJob job, String submittedAt) {
    s.jobName = job.name();
    s.state = job.state().name();
    s.submittedAt = submittedAt;
  }
}
