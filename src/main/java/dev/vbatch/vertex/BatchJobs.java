package dev.vbatch.vertex;

import java.util.List;
import java.util.Map;

/** Vertex's batch prediction jobs, as vbatch uses them. Errors arrive as {@link CloudException}. */
public interface BatchJobs extends AutoCloseable {
  /**
   * Creates a job. Safe to call again after a lost answer: a job with the same labels is looked up
   * before every retry, so a shard is never submitted twice.
   */
  BatchJob create(JobRequest request) throws InterruptedException;

  BatchJob get(String name);

  /** Jobs whose labels include all of {@code labels}. */
  List<BatchJob> findByLabels(Map<String, String> labels);

  /** Every job of the project and location that {@code filter} (AIP-160, empty for all) selects, vbatch's or not. */
  default List<BatchJob> list(String filter) {
    throw new UnsupportedOperationException("listing jobs");
  }

  void cancel(String name);

  /** Deletes an ended job (its output files stay where they are). */
  void delete(String name) throws InterruptedException;

  @Override
  void close();
}
