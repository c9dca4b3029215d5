package dev.vbatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import dev.vbatch.emulator.EmulatorConfig;
import dev.vbatch.emulator.EmulatorServer;
import dev.vbatch.util.TimeSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Run state kept on gs:// (in memory here): a run submitted by one "container" is finished by
 * another that starts with an empty home, as Cloud Run jobs do.
 */
class StateMirrorTest {
  @TempDir Path tmp;

  @Test
  void aNewContainerWithAnEmptyHomeFinishesTheRunAnotherOneSubmitted() throws Exception {
    Storage storage = LocalStorageHelper.getOptions().getService();
    try (EmulatorServer emulator = EmulatorServer.start(0, tmp.resolve("emulator"), EmulatorConfig.defaults(), TimeSource.SYSTEM)) {
      CliHarness first = new CliHarness(tmp.resolve("container-1"));
      first.storage = storage;
      first.env = java.util.Map.of("VBATCH_STATE", "gs://state-bucket/vbatch");
      CliHarness.Result submitted = first.run("submit", RunCommandTest.SPEC.toString(), "--out", tmp.resolve("out").toString(),
          "--emulator-endpoint", emulator.endpoint());
      assertThat(submitted.exit()).as(submitted.err()).isZero();
      String runId = submitted.out().trim();

      List<String> names = StreamSupport.stream(storage.list("state-bucket").iterateAll().spliterator(), false)
          .map(Blob::getName).toList();
      assertThat(names).contains("vbatch/runs/" + runId + "/state.json", "vbatch/runs/" + runId + "/items.jsonl")
          .allSatisfy(n -> assertThat(n).matches("vbatch/(runs|chains|answers)/.*"));

      CliHarness second = new CliHarness(tmp.resolve("container-2"));
      second.storage = storage;
      CliHarness.Result fetched = second.run("fetch", runId, "--state", "gs://state-bucket/vbatch",
          "--emulator-endpoint", emulator.endpoint(), "--json");
      assertThat(fetched.exit()).as(fetched.err()).isZero();
      assertThat(fetched.json().path("items").asLong()).isEqualTo(7);
      assertThat(fetched.json().path("succeeded").asLong()).isEqualTo(7);

      // The finished state went back up: a third container sees the run as done.
      CliHarness third = new CliHarness(tmp.resolve("container-3"));
      third.storage = storage;
      CliHarness.Result runs = third.run("runs", "--state", "gs://state-bucket/vbatch", "--json");
      JsonNode run = runs.json().get(0);
      assertThat(run.path("runId").asText()).isEqualTo(runId);
      assertThat(run.path("stage").asText()).isEqualTo("done");
      assertThat(Files.exists(tmp.resolve("container-3/runs/" + runId + "/state.json"))).isTrue();
    }
  }

  /**
   * Two containers on different disks, sharing one gs:// state, start the same spec at the same
   * moment: the lease lets one drive it; the other exits 6 naming it, or (if it came after the first
   * had finished) reuses every answer. Either way one batch job exists.
   */
  @Test
  void twoContainersStartedTogetherOnASharedStateMakeOneJob() throws Exception {
    Storage storage = dev.vbatch.testing.AtomicWrites.of(LocalStorageHelper.getOptions().getService());
    try (EmulatorServer emulator = EmulatorServer.start(0, tmp.resolve("emulator"), EmulatorConfig.defaults(), TimeSource.SYSTEM)) {
      java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
      List<java.util.concurrent.Future<CliHarness.Result>> results = new java.util.ArrayList<>();
      for (int c = 1; c <= 2; c++) {
        CliHarness container = new CliHarness(tmp.resolve("container-" + c));
        container.storage = storage;
        String out = tmp.resolve("out-" + c).toString();
        results.add(pool.submit(() -> {
          together.await();
          return container.run("run", RunCommandTest.SPEC.toString(), "--out", out, "--state", "gs://state-bucket/shared",
              "--emulator-endpoint", emulator.endpoint());
        }));
      }
      List<CliHarness.Result> ended = new java.util.ArrayList<>();
      for (var f : results) {
        ended.add(f.get());
      }
      pool.shutdown();
      assertThat(ended).as(ended.toString()).extracting(CliHarness.Result::exit).containsAnyOf(0).allSatisfy(code ->
          assertThat(code).isIn(0, ExitCodes.LOCKED));
      ended.stream().filter(r -> r.exit() == ExitCodes.LOCKED).forEach(r ->
          assertThat(r.err()).contains("is owned by a vbatch process on another machine sharing the run state (host "));
      try (java.util.stream.Stream<Path> jobs = Files.list(tmp.resolve("emulator/jobs"))) {
        assertThat(jobs.count()).as("batch jobs created").isEqualTo(1);
      }
      // Both leases were given up when the commands ended.
      assertThat(StreamSupport.stream(storage.list("state-bucket").iterateAll().spliterator(), false)
          .map(Blob::getName)).noneMatch(n -> n.startsWith("shared/locks/"));
    }
  }

  @Test
  void aStateThatIsNotGsIsAUsageError() {
    CliHarness cli = new CliHarness(tmp.resolve("h"));
    CliHarness.Result r = cli.run("runs", "--state", "/tmp/state");
    assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("--state is '/tmp/state'; give a gs://BUCKET/PREFIX");
  }

  @Test
  void theLocalChecksumIsInCloudStoragesForm() throws Exception {
    // CRC32C("123456789") is 0xE3069283 (RFC 3720's check value); Cloud Storage gives it big-endian in base64.
    Path file = Files.writeString(tmp.resolve("check.txt"), "123456789");
    assertThat(dev.vbatch.storage.StateMirror.crc32c(file)).isEqualTo("4waSgw==");
  }
}
