package dev.vbatch.run;

import dev.vbatch.input.PlannedItem;
import dev.vbatch.spec.JobSpec;
import java.util.List;

/**
 * The items of a run after discovery and inspection, skipped ones with their reasons. In a later
 * step of a chain, {@code history} holds each item's earlier turns (by item id), sent before its
 * prompt.
 */
public record Plan(JobSpec spec, List<PlannedItem> items, java.util.Map<String, List<com.google.cloud.aiplatform.v1.Content>> history) {
  public Plan(JobSpec spec, List<PlannedItem> items) {
    this(spec, items, java.util.Map.of());
  }

  public long skipped() {
    return items.stream().filter(PlannedItem::isSkipped).count();
  }

  public long sendable() {
    return items.size() - skipped();
  }
}
