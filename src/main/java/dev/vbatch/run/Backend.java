package dev.vbatch.run;

import dev.vbatch.storage.BlobStore;
import dev.vbatch.vertex.BatchJobs;
import dev.vbatch.vertex.OnlineModel;

/**
 * Where a run stages its requests and runs its jobs: the emulator or Vertex, their storage, and the
 * model called online (null where online rounds are not possible).
 */
public record Backend(String name, BlobStore store, BatchJobs jobs, WaitStep.Polling polling, OnlineModel online) {}
