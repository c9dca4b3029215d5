package dev.vbatch.run;

import dev.vbatch.input.RemoteObjects;
import dev.vbatch.storage.BlobStore;
import dev.vbatch.vertex.BatchJobs;
import dev.vbatch.vertex.OnlineModel;

/**
 * Where a run stages its requests and runs its jobs: the emulator or Vertex, their storage, and the
 * model called online (null where online rounds are not possible), and where inputs given as gs://
 * URIs are looked up, and where results go besides the files.
 */
public record Backend(String name, BlobStore store, BatchJobs jobs, WaitStep.Polling polling, OnlineModel online,
    RemoteObjects inputs, ResultsExport export) {
  /** A backend that reads local inputs only and writes results to files only. */
  public Backend(String name, BlobStore store, BatchJobs jobs, WaitStep.Polling polling, OnlineModel online) {
    this(name, store, jobs, polling, online, RemoteObjects.NONE, ResultsExport.NONE);
  }

  /** A backend that writes results to files only. */
  public Backend(String name, BlobStore store, BatchJobs jobs, WaitStep.Polling polling, OnlineModel online,
      RemoteObjects inputs) {
    this(name, store, jobs, polling, online, inputs, ResultsExport.NONE);
  }
}
