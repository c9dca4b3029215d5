package dev.vbatch.run;

import dev.vbatch.util.TimeSource;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One process owns a run at a time (DESIGN.md, invariant 8): an exclusive lock on a file in the
 * local HOME, held until the process ends, so that two 'vbatch run' of one spec (a cron job overlapping
 * a manual run) or a 'resume' beside a 'run' never drive the same run. The operating system releases
 * it when the process dies, however it dies. The file says who holds it (host, pid, since when).
 */
public final class RunLock {
  /** Locks this process holds, by file: kept reachable, since a collected channel would release its lock. */
  private static final Map<Path, FileLock> HELD = new ConcurrentHashMap<>();
  private static final Duration POLL = Duration.ofMillis(250);

  /**
   * With a run state shared on Cloud Storage (--state gs://), every lock is also a lease there, so a
   * container on another machine cannot take what this one drives; {@code onAcquired} runs after a
   * lease is taken (the state is copied down again: the last holder may have changed it).
   */
  public record Remote(dev.vbatch.storage.GcsLease lease, IoAction onAcquired) {}

  /** Something to do that may fail with an I/O error. */
  @FunctionalInterface
  public interface IoAction {
    void run() throws IOException;
  }

  private static final ThreadLocal<Remote> REMOTE = new ThreadLocal<>();

  private RunLock() {}

  /** Locks taken by this thread from now on are leases under {@code remote} too (null: local only). */
  public static void useRemote(Remote remote) {
    if (remote == null) {
      REMOTE.remove();
    } else {
      REMOTE.set(remote);
    }
  }

  /** Another process owns what was to be locked. */
  public static final class Held extends Exception {
    public Held(String message) {
      super(message);
    }
  }

  /**
   * Takes the lock in {@code file} for the life of this process (a second call from the same process
   * is a no-op), waiting up to {@code wait} for a holder to let go; {@link Held} names the holder.
   * {@code what} says what is locked, in the user's words ("run r1", "the runs of jobs/a/job.yaml").
   */
  public static void acquire(Path file, String what, Duration wait, TimeSource time)
      throws IOException, Held, InterruptedException {
    Path absolute = file.toAbsolutePath().normalize();
    if (HELD.containsKey(absolute)) {
      return;
    }
    Files.createDirectories(absolute.getParent());
    Instant until = time.now().plus(wait);
    while (true) {
      FileChannel channel = FileChannel.open(absolute, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock != null) {
        byte[] holder = (holder(time.now()) + "\n").getBytes(StandardCharsets.UTF_8);
        channel.write(ByteBuffer.wrap(holder), 0);
        channel.truncate(holder.length);
        channel.force(false);
        HELD.put(absolute, lock);
        Remote remote = REMOTE.get();
        if (remote != null) {
          lease(remote, absolute.getFileName().toString(), what, until, wait, time);
        }
        return;
      }
      channel.close();
      // A holder that has just taken the lock writes its name a moment later.
      String holder = Files.readString(absolute).strip();
      for (int i = 0; holder.isEmpty() && i < 20; i++) {
        time.sleep(Duration.ofMillis(25));
        holder = Files.readString(absolute).strip();
      }
      if (!time.now().isBefore(until)) {
        throw new Held(what + " is owned by another vbatch process (" + (holder.isEmpty() ? "starting" : holder)
            + "), so this one does not touch it: let that one finish (follow it with 'vbatch runs' and 'vbatch status"
            + " RUN'), or pass --wait-lock DURATION to wait for it" + (wait.isZero() ? "" : " longer than "
            + dev.vbatch.util.Durations.format(wait)));
      }
      time.sleep(POLL);
    }
  }

  private static void lease(Remote remote, String name, String what, Instant until, Duration wait, TimeSource time)
      throws IOException, Held, InterruptedException {
    while (true) {
      java.util.Optional<dev.vbatch.storage.GcsLease.Taken> taken = remote.lease().tryAcquire(name);
      if (taken.isEmpty()) {
        remote.onAcquired().run();
        return;
      }
      if (!time.now().isBefore(until)) {
        throw new Held(what + " is owned by a vbatch process on another machine sharing the run state ("
            + taken.get().holder() + "; its lease runs to " + taken.get().until() + " and is renewed while it lives), "
            + "so this one does not touch it: let that one finish, or pass --wait-lock DURATION to wait for it"
            + (wait.isZero() ? "" : " longer than " + dev.vbatch.util.Durations.format(wait)));
      }
      time.sleep(POLL.multipliedBy(4));
    }
  }

  /** Who this process is, for the lock files and leases that name it. */
  public static String holder(Instant since) {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown host";
    }
    return "host " + host + ", pid " + ProcessHandle.current().pid() + ", since " + since;
  }

  /** The lock file of a spec's runs: the same for every path that names the same spec file. */
  public static Path ofSpec(Path home, Path specFile) throws IOException {
    Path real = specFile.toRealPath();
    byte[] digest = dev.vbatch.util.Hashing.sha256().digest(real.toString().getBytes(StandardCharsets.UTF_8));
    return home.resolve("locks").resolve("spec-" + java.util.HexFormat.of().formatHex(digest, 0, 8) + ".lock");
  }

  /** The lock file of one run. */
  public static Path ofRun(Path home, String runId) {
    return home.resolve("locks").resolve("run-" + runId + ".lock");
  }
}
