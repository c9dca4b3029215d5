package dev.vbatch.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import dev.vbatch.testing.FakeTime;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Leases on a shared gs:// state (in-memory Storage): one holder at a time, taken over only after they lapse. */
class GcsLeaseTest {
  private final Storage storage = LocalStorageHelper.getOptions().getService();
  private final FakeTime time = new FakeTime();
  private final Duration ttl = Duration.ofMinutes(2);
  private final GcsLease first = new GcsLease(storage, "gs://state/v/locks/", "a", "host a, pid 1", ttl, time);
  private final GcsLease second = new GcsLease(storage, "gs://state/v/locks/", "b", "host b, pid 2", ttl, time);

  @Test
  void aLiveLeaseKeepsTheOtherMachineOutUntilItLapses() throws Exception {
    assertThat(first.tryAcquire("run-r1.lock")).isEmpty();
    assertThat(second.tryAcquire("run-r1.lock")).hasValueSatisfying(t -> {
      assertThat(t.holder()).isEqualTo("host a, pid 1");
      assertThat(t.until()).isEqualTo(time.now().plus(ttl));
    });
    // Renewed while it lives: still held after more than one lease time.
    time.sleep(Duration.ofMinutes(1));
    assertThat(first.renew()).isEmpty();
    time.sleep(Duration.ofMinutes(1).plusSeconds(30));
    assertThat(second.tryAcquire("run-r1.lock")).isPresent();
    // Not renewed: lapsed, and the other machine takes it; the first learns it lost it.
    time.sleep(ttl);
    assertThat(second.tryAcquire("run-r1.lock")).isEmpty();
    assertThat(first.renew()).containsExactly("run-r1.lock");
    assertThat(first.tryAcquire("run-r1.lock")).hasValueSatisfying(t -> assertThat(t.holder()).isEqualTo("host b, pid 2"));
  }

  @Test
  void releaseFreesTheNameAtOnceAndOnlyTheHoldersOwn() throws Exception {
    assertThat(first.tryAcquire("spec-1.lock")).isEmpty();
    assertThat(first.tryAcquire("run-r2.lock")).isEmpty();
    second.releaseAll(); // holds nothing: deletes nothing
    assertThat(storage.get(BlobId.of("state", "v/locks/spec-1.lock"))).isNotNull();
    first.releaseAll();
    assertThat(storage.get(BlobId.of("state", "v/locks/spec-1.lock"))).isNull();
    assertThat(second.tryAcquire("spec-1.lock")).isEmpty();
    assertThat(second.tryAcquire("run-r2.lock")).isEmpty();
  }

  @Test
  void theSameHolderTakesItsOwnLeaseAgain() throws Exception {
    assertThat(first.tryAcquire("run-r3.lock")).isEmpty();
    assertThat(first.tryAcquire("run-r3.lock")).isEmpty();
    assertThat(second.tryAcquire("run-r3.lock")).isPresent();
  }
}
