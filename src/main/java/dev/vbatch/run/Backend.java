package dev.vbatch.run;

import dev.vbatch.storage.BlobStore;
import dev.vbatch.vertex.BatchJobs;

/** Where a run stages its requests and runs its jobs: the emulator or Vertex, and their storage. */
public record Backend(String name, BlobStore store, BatchJobs jobs, WaitStep.Polling polling) {}
