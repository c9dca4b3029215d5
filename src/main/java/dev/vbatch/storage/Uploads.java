package dev.vbatch.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * File uploads in parallel with bounded concurrency: at most {@code parallelism} run at once and
 * at most twice that are queued, so a million files never pile up in memory. {@link #finish} waits
 * for all and rethrows the first failure.
 */
public final class Uploads implements AutoCloseable {
  private final BlobStore store;
  private final ExecutorService pool;
  private final Semaphore slots;
  private final List<Future<?>> pending = new ArrayList<>();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong files = new AtomicLong();

  public Uploads(BlobStore store, int parallelism) {
    this.store = store;
    this.pool = Executors.newFixedThreadPool(parallelism, r -> {
      Thread t = new Thread(r, "vbatch-upload");
      t.setDaemon(true);
      return t;
    });
    this.slots = new Semaphore(parallelism * 2);
  }

  public void upload(Path source, String path, String contentType) throws IOException {
    try {
      slots.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while uploading " + source, e);
    }
    pending.removeIf(Future::isDone);
    pending.add(pool.submit(() -> {
      try {
        store.upload(source, path, contentType);
        files.incrementAndGet();
        bytes.addAndGet(java.nio.file.Files.size(source));
        return null;
      } catch (IOException e) {
        throw new UncheckedIOException("uploading " + source + " to " + store.uri(path) + " failed: " + e.getMessage(), e);
      } finally {
        slots.release();
      }
    }));
  }

  /** Waits for every upload; throws the first failure. Returns the number of files uploaded. */
  public long finish() throws IOException {
    for (Future<?> f : pending) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while uploading", e);
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof UncheckedIOException u) {
          throw new IOException(u.getMessage(), u.getCause());
        }
        if (c instanceof RuntimeException r) {
          throw r;
        }
        throw new IOException(c);
      }
    }
    pending.clear();
    return files.get();
  }

  public long bytes() {
    return bytes.get();
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
