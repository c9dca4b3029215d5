package dev.vbatch.run;

import dev.vbatch.event.Event;
import dev.vbatch.event.EventSink;
import dev.vbatch.input.Discovery;
import dev.vbatch.input.ItemInspector;
import dev.vbatch.input.NoItems;
import dev.vbatch.input.PlannedItem;
import dev.vbatch.input.RemoteObjects;
import dev.vbatch.spec.JobSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Finds the items and inspects each one; reads files, writes nothing. */
public final class PlanStep {
  private PlanStep() {}

  private static final int BATCH = 256;

  /**
   * Inspects the items on every core, in batches; results, warnings and progress are taken in input
   * order, so the plan is the same as inspecting one item after another.
   */
  public static Plan run(JobSpec spec, EventSink events) throws IOException {
    return run(spec, RemoteObjects.NONE, events);
  }

  /** As above; inputs given as gs:// URIs are listed and looked up through {@code cloud}. */
  public static Plan run(JobSpec spec, RemoteObjects cloud, EventSink events) throws IOException {
    events.emit(new Event.Stage("plan"));
    List<PlannedItem> found = Discovery.discover(spec.input(), cloud);
    if (found.isEmpty() && !spec.input().allowEmpty()) {
      throw NoItems.explain(spec.input(), spec.file(), cloud);
    }
    ItemInspector inspector = new ItemInspector(spec.limits().maxInlineTextBytes(), cloud);
    List<PlannedItem> inspected = new ArrayList<>(found.size());
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "vbatch-inspect");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<List<PlannedItem>>> batches = new ArrayList<>();
      for (int from = 0; from < found.size(); from += BATCH) {
        List<PlannedItem> batch = found.subList(from, Math.min(found.size(), from + BATCH));
        batches.add(pool.submit(() -> batch.stream().map(p -> p.isSkipped() ? p : textOnly(spec, inspector.inspect(p.item())))
            .toList()));
      }
      int done = 0;
      for (Future<List<PlannedItem>> batch : batches) {
        for (PlannedItem result : get(batch)) {
          result.skip().ifPresent(s -> events.warn("skipping " + result.item().id() + ": " + s.message()));
          inspected.add(result);
          if (++done % 500 == 0 || done == found.size()) {
            events.emit(new Event.Progress("plan", done, found.size(), "items"));
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
    if (found.isEmpty()) {
      events.warn("no input items were found (allowed by --allow-empty); check input in " + spec.file());
    }
    return new Plan(spec, List.copyOf(inspected));
  }

  /**
   * With onBadFile: text-only, a table row whose file could not be used is sent with its text alone;
   * why is kept in its variables (file.problem), and its result says so.
   */
  static PlannedItem textOnly(JobSpec spec, PlannedItem inspected) {
    boolean textOnly = spec.input().table().map(t -> t.textOnlyOnBadFile()).orElse(false);
    var item = inspected.item();
    if (!textOnly || !inspected.isSkipped() || item.text().map(String::isBlank).orElse(true)
        || (item.file().isEmpty() && item.object().isEmpty())) {
      return inspected;
    }
    java.util.Map<String, String> vars = new java.util.HashMap<>(item.vars());
    vars.put(NOTE, "sent with its text only: " + inspected.skip().get().message());
    return new PlannedItem(new dev.vbatch.input.Item(item.id(), java.util.Map.copyOf(vars), java.util.Optional.empty(),
        item.text(), java.util.Optional.empty()), java.util.Optional.empty(), java.util.Optional.empty());
  }

  /** The variable that says why an item went without its file. */
  public static final String NOTE = "file.problem";

  private static <T> T get(Future<T> future) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while inspecting the inputs");
    } catch (ExecutionException e) {
      throw new IOException("inspecting the inputs failed: " + e.getCause(), e.getCause());
    }
  }
}
