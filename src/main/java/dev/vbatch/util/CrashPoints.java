package dev.vbatch.util;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Named places where a run can be stopped dead, for the crash test: with {@code
 * VBATCH_CRASH_AT=NAME} (or {@code NAME:N} for the N-th time it is reached) the process halts there
 * at once, like kill -9: no finally blocks, no shutdown hooks, nothing flushed. Unset (always, in
 * normal use) each point costs one map lookup.
 */
public final class CrashPoints {
  /** The exit status of a halted process, as a shell reports kill -9. */
  public static final int HALT_STATUS = 137;

  private static final String TARGET = System.getenv("VBATCH_CRASH_AT");
  private static final ConcurrentHashMap<String, AtomicInteger> HITS = new ConcurrentHashMap<>();

  private CrashPoints() {}

  public static void hit(String name) {
    if (TARGET == null) {
      return;
    }
    String wanted = TARGET;
    int nth = 1;
    int colon = TARGET.lastIndexOf(':');
    if (colon > 0) {
      wanted = TARGET.substring(0, colon);
      nth = Integer.parseInt(TARGET.substring(colon + 1));
    }
    if (wanted.equals(name) && HITS.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet() == nth) {
      System.err.println("vbatch: crash point " + name + " reached; halting (VBATCH_CRASH_AT)");
      System.err.flush();
      Runtime.getRuntime().halt(HALT_STATUS);
    }
  }
}
