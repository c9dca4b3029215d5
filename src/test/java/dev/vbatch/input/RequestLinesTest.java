package dev.vbatch.input;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import dev.vbatch.storage.GcsObjects;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Request files found by a glob, on local disk or in Cloud Storage (in memory here), read line by line. */
class RequestLinesTest {
  private static final String LINE = "{\"request\":{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"T\"}]}]}}\n";

  @TempDir Path tmp;

  @Test
  void aGlobInCloudStorageReadsEveryMatchingObjectInNameOrder() throws Exception {
    Storage storage = LocalStorageHelper.getOptions().getService();
    for (String name : List.of("req/b.jsonl", "req/a.jsonl", "req/notes.txt", "other/c.jsonl")) {
      storage.create(BlobInfo.newBuilder(BlobId.of("bucket", name)).build(),
          (LINE.replace("T", name) + "{\"id\":\"" + name + "-2\"," + LINE.substring(1).replace("T", "two")).getBytes(StandardCharsets.UTF_8));
    }
    List<PlannedItem> items = RequestLines.read("gs://bucket/req/*.jsonl", new GcsObjects(storage));
    assertThat(items).extracting(p -> p.item().id()).containsExactly("a.jsonl:1", "req/a.jsonl-2", "b.jsonl:1", "req/b.jsonl-2");
    assertThat(items.get(0).item().request().orElseThrow().getContents(0).getParts(0).getText()).isEqualTo("req/a.jsonl");
    assertThat(items).noneMatch(PlannedItem::isSkipped);
  }

  @Test
  void aLocalGlobReadsEveryMatchingFile() throws Exception {
    Files.createDirectories(tmp.resolve("nights/01"));
    Files.writeString(tmp.resolve("nights/01/x.jsonl"), LINE);
    Files.writeString(tmp.resolve("nights/y.jsonl"), LINE + "\n" + LINE);
    List<PlannedItem> items = RequestLines.read(tmp.resolve("nights/**.jsonl").toString(), RemoteObjects.NONE);
    assertThat(items).extracting(p -> p.item().id()).containsExactly("x.jsonl:1", "y.jsonl:1", "y.jsonl:3");
  }
}
