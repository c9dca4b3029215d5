package dev.vbatch.run;

import dev.vbatch.event.Event;
import dev.vbatch.event.EventSink;
import dev.vbatch.input.Discovery;
import dev.vbatch.input.ItemInspector;
import dev.vbatch.input.PlannedItem;
import dev.vbatch.spec.JobSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Finds the items and inspects each one; reads files, writes nothing. */
public final class PlanStep {
  private PlanStep() {}

  public static Plan run(JobSpec spec, EventSink events) throws IOException {
    List<PlannedItem> found = Discovery.discover(spec.input());
    ItemInspector inspector = new ItemInspector(spec.limits().maxInlineTextBytes());
    List<PlannedItem> inspected = new ArrayList<>(found.size());
    int done = 0;
    for (PlannedItem p : found) {
      PlannedItem result = p.isSkipped() ? p : inspector.inspect(p.item());
      result.skip().ifPresent(s -> events.warn("skipping " + p.item().id() + ": " + s.message()));
      inspected.add(result);
      if (++done % 500 == 0 || done == found.size()) {
        events.emit(new Event.Progress("plan", done, found.size(), "items"));
      }
    }
    if (found.isEmpty()) {
      events.warn("no input items were found; check input in " + spec.file());
    }
    return new Plan(spec, List.copyOf(inspected));
  }
}
