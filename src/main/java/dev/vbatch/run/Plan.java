package dev.vbatch.run;

import dev.vbatch.input.PlannedItem;
import dev.vbatch.spec.JobSpec;
import java.util.List;

/** The items of a run after discovery and inspection, skipped ones with their reasons. */
public record Plan(JobSpec spec, List<PlannedItem> items) {
  public long skipped() {
    return items.stream().filter(PlannedItem::isSkipped).count();
  }

  public long sendable() {
    return items.size() - skipped();
  }
}
