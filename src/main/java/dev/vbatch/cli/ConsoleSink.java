package dev.vbatch.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vbatch.event.Event;
import dev.vbatch.event.EventSink;
import dev.vbatch.util.Json;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;

/**
 * Renders the core's events on stderr: a one-line progress bar on a terminal, plain lines
 * otherwise (progress every 10%; online calls also every 30 s), or one JSON object a line with a
 * severity field (--json).
 */
final class ConsoleSink implements EventSink {
  /** How to render. */
  enum Mode {
    RICH,
    PLAIN,
    JSON
  }

  private final PrintWriter err;
  private final Mode mode;
  private final boolean verbose;
  private final Map<String, Long> lastDecile = new HashMap<>();
  private boolean barShown;
  private long lastLine;

  ConsoleSink(PrintWriter err, Mode mode, boolean verbose) {
    this.err = err;
    this.mode = mode;
    this.verbose = verbose;
  }

  @Override
  public synchronized void emit(Event event) {
    if (event instanceof Event.Stage stage) {
      OutOfMemory.at(stage.name());
    } else if (event instanceof Event.Log log) {
      log(log);
    } else if (event instanceof Event.Progress p) {
      OutOfMemory.at(p.stage());
      progress(p);
    } else if (event instanceof Event.Calls c) {
      calls(c);
    } else if (event instanceof Event.JobUpdate j) {
      // The job's full name was logged when it was submitted; updates stay on one line.
      log(new Event.Log(Event.Level.INFO, "shard " + j.shard() + " " + j.state() + ": "
          + j.succeeded() + " succeeded, " + j.failed() + " failed of " + j.total()));
    }
    err.flush();
  }

  private void log(Event.Log log) {
    if (log.level() == Event.Level.DEBUG && !verbose) {
      return;
    }
    if (mode == Mode.JSON) {
      ObjectNode n = Json.object();
      n.put("severity", log.level() == Event.Level.WARN ? "WARNING" : log.level().name());
      n.put("message", log.message());
      err.println(n);
      return;
    }
    clearBar();
    err.println((log.level() == Event.Level.INFO ? "" : log.level().name().toLowerCase() + ": ") + log.message());
  }

  private void progress(Event.Progress p) {
    long pct = p.total() <= 0 ? 100 : p.done() * 100 / p.total();
    if (mode == Mode.RICH) {
      bar(p.stage(), pct, p.done(), p.total(), p.unit());
      return;
    }
    long decile = pct / 10;
    Long last = lastDecile.get(p.stage());
    if (last != null && last == decile) {
      return;
    }
    lastDecile.put(p.stage(), decile);
    if (mode == Mode.JSON) {
      ObjectNode n = Json.object();
      n.put("severity", "INFO");
      n.put("message", p.stage() + " " + p.done() + "/" + p.total() + " " + p.unit());
      n.put("stage", p.stage());
      n.put("done", p.done());
      n.put("total", p.total());
      err.println(n);
    } else {
      err.println(p.stage() + ": " + p.done() + "/" + p.total() + " " + p.unit() + " (" + pct + "%)");
    }
  }

  private void calls(Event.Calls c) {
    long pct = c.total() <= 0 ? 100 : c.done() * 100 / c.total();
    String eta = c.eta() == null ? "?" : dev.vbatch.util.Durations.format(c.eta());
    String rate = String.format("%.1f/s", c.perSecond());
    if (mode == Mode.RICH) {
      bar("online", pct, c.done(), c.total(), rate + " ETA " + eta + "  ok " + c.succeeded() + "  failed " + c.failed() + " ");
      return;
    }
    // Plain lines: at each tenth, and at least every 30 seconds of a slow run.
    long now = System.nanoTime();
    Long last = lastDecile.get("online");
    boolean due = lastLine == 0 || now - lastLine >= 30_000_000_000L || c.done() >= c.total();
    if (last != null && last == pct / 10 && !due) {
      return;
    }
    lastDecile.put("online", pct / 10);
    lastLine = now;
    String text = "online: " + c.done() + "/" + c.total() + " requests (" + pct + "%), " + rate + ", ETA " + eta + ", "
        + c.succeeded() + " succeeded, " + c.failed() + " failed";
    if (mode == Mode.JSON) {
      ObjectNode n = Json.object();
      n.put("severity", "INFO");
      n.put("message", text);
      n.put("stage", "online");
      n.put("done", c.done());
      n.put("total", c.total());
      n.put("succeeded", c.succeeded());
      n.put("failed", c.failed());
      n.put("perSecond", c.perSecond());
      err.println(n);
    } else {
      err.println(text);
    }
  }

  /** One line of progress bar, redrawn in place; ended with a newline once done reaches total. */
  private void bar(String stage, long pct, long done, long total, String tail) {
    int width = 30;
    int filled = (int) (pct * width / 100);
    err.print("\r" + String.format("%-8s [%s%s] %3d%% %d/%d %s", stage, "#".repeat(filled), " ".repeat(width - filled),
        pct, done, total, tail));
    barShown = true;
    if (done >= total) {
      err.println();
      barShown = false;
    }
  }

  private void clearBar() {
    if (barShown) {
      err.println();
      barShown = false;
    }
  }
}
