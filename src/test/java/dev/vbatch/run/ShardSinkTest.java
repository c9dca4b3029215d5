package dev.vbatch.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vbatch.spec.JobSpec;
import dev.vbatch.storage.LocalBlobStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardSinkTest {
  @TempDir Path tmp;

  @Test
  void cutsByCountAndByBytesAndWritesJsonlLines() throws Exception {
    LocalBlobStore store = new LocalBlobStore(tmp);
    String request = "{\"contents\":[{\"parts\":[{\"text\":\"" + "x".repeat(100) + "\"}]}]}";
    int lineBytes = ("{\"request\":" + request + "}\n").length();
    try (ShardSink sink = new ShardSink(new JobSpec.Limits(1000, 1024, 0, JobSpec.Limits.DEFAULT_MAX_WAIT), store, "s/")) {
      int lastShard = 0;
      for (int i = 0; i < 20; i++) {
        lastShard = sink.add(request);
      }
      var shards = sink.shards();
      int perShard = 1024 / lineBytes;
      assertThat(shards).allSatisfy(s -> assertThat(s.bytes()).isLessThanOrEqualTo(1024));
      assertThat(shards.get(0).requests()).isEqualTo(perShard);
      assertThat(shards.stream().mapToInt(ShardSink.Shard::requests).sum()).isEqualTo(20);
      assertThat(lastShard).isEqualTo(shards.size() - 1);
      assertThat(Files.readAllLines(tmp.resolve(shards.get(0).path()))).hasSize(perShard)
          .allSatisfy(l -> assertThat(l).isEqualTo("{\"request\":" + request + "}"));
    }
    try (ShardSink sink = new ShardSink(new JobSpec.Limits(3, 1_000_000, 0, JobSpec.Limits.DEFAULT_MAX_WAIT), null, "")) {
      for (int i = 0; i < 7; i++) {
        sink.add(request);
      }
      assertThat(sink.shards()).extracting(ShardSink.Shard::requests).containsExactly(3, 3, 1);
    }
  }
}
