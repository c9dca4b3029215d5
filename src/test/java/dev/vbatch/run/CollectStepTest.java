package dev.vbatch.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.aiplatform.v1.GenerateContentRequest;
import dev.vbatch.event.Event;
import dev.vbatch.request.RequestKey;
import dev.vbatch.results.Outcome;
import dev.vbatch.results.OutcomeFile;
import dev.vbatch.results.PredictionDecoder;
import dev.vbatch.spec.ResultSchema;
import dev.vbatch.storage.LocalBlobStore;
import dev.vbatch.util.Json;
import dev.vbatch.util.KeyTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CollectStepTest {
  @TempDir Path tmp;

  static GenerateContentRequest req(String text) {
    return GenerateContentRequest.newBuilder()
        .addContents(com.google.cloud.aiplatform.v1.Content.newBuilder().setRole("user")
            .addParts(com.google.cloud.aiplatform.v1.Part.newBuilder().setText(text))).build();
  }

  static String line(GenerateContentRequest r, String answer) {
    return "{\"status\":\"\",\"request\":" + RequestKey.toJson(r).replace("\"role\":\"user\"", "\"role\":\"user\",\"x\":null")
        + ",\"response\":{\"candidates\":[{\"content\":{\"parts\":[{\"text\":" + Json.write(answer) + "}]},\"finishReason\":\"STOP\"}],"
        + "\"usageMetadata\":{\"promptTokenCount\":3,\"candidatesTokenCount\":2,\"totalTokenCount\":5}}}";
  }

  @Test
  void mapsByKeyAcrossFilesAndReportsUnknownDuplicateAndUnreadableLines() throws Exception {
    Path outDir = tmp.resolve("out");
    Files.createDirectories(outDir);
    GenerateContentRequest a = req("a");
    GenerateContentRequest b = req("b");
    GenerateContentRequest c = req("c");
    Files.writeString(outDir.resolve("predictions_00001.jsonl"),
        line(b, "{\"v\":2}") + "\n" + line(req("stranger"), "{\"v\":9}") + "\n\n" + "{broken\n");
    Files.writeString(outDir.resolve("predictions_00002.jsonl"), line(a, "not json") + "\n" + line(a, "{\"v\":1}") + "\n" + line(b, "{\"v\":3}") + "\n");
    Files.writeString(outDir.resolve("README.txt"), "not a predictions file");
    LocalBlobStore store = new LocalBlobStore(tmp);
    List<Event> events = new ArrayList<>();
    KeyTable keys = new KeyTable();
    keys.add(RequestKey.of(a));
    keys.add(RequestKey.of(b));
    keys.add(RequestKey.of(c));
    PredictionDecoder decoder = new PredictionDecoder(new ResultSchema(Json.read("{\"type\":\"object\"}")), 0);

    Collected[] got = new Collected[1];
    Path round = tmp.resolve("round-1.jsonl");
    OutcomeFile.write(round, Map.of(), out -> got[0] = CollectStep.run(List.of(store.uri("out")), keys, store, decoder, events::add, out));

    assertThat(got[0].lines()).isEqualTo(6);
    assertThat(got[0].unmatched()).isEqualTo(2);
    assertThat(got[0].duplicates()).isEqualTo(2);
    assertThat(got[0].succeeded()).isEqualTo(2);
    assertThat(got[0].answered().stream().toArray()).containsExactly(0, 1);
    // Read back as every reader does (a key's later line wins). a: the later success replaces the
    // earlier failure; b: the first success is kept and the second is not written.
    Map<String, Outcome> byKey = OutcomeFile.read(round, n -> true);
    assertThat(byKey).containsOnlyKeys(RequestKey.of(a), RequestKey.of(b));
    assertThat(byKey.get(RequestKey.of(a)).data().get("v").asInt()).isEqualTo(1);
    assertThat(byKey.get(RequestKey.of(b)).data().get("v").asInt()).isEqualTo(2);
    assertThat(byKey.get(RequestKey.of(a)).status()).isEqualTo(Outcome.Status.SUCCEEDED);
    assertThat(Files.readAllLines(round)).hasSize(3);
    assertThat(got[0].usage().total()).isEqualTo(10);
    assertThat(events).filteredOn(e -> e instanceof Event.Log l && l.level() == Event.Level.WARN)
        .extracting(e -> ((Event.Log) e).message())
        .anySatisfy(m -> assertThat(m).contains("predictions_00001.jsonl line 2: its request matches none this run sent"))
        .anySatisfy(m -> assertThat(m).contains("predictions_00001.jsonl line 4: the line is not JSON"));
  }

  @Test
  void theVbatchKeyNamesALineFirstAndItsEchoCrossChecksIt() throws Exception {
    Path outDir = tmp.resolve("out");
    Files.createDirectories(outDir);
    GenerateContentRequest a = req("a");
    GenerateContentRequest c = req("c");
    String unknownKey = "vb-" + "f".repeat(32);
    Files.writeString(outDir.resolve("predictions.jsonl"),
        // a's key beside an echo the importer altered: still a's.
        line(req("altered"), "{\"v\":1}").replaceFirst("\\{", "{\"vbatch_key\":\"vb-" + RequestKey.of(a) + "\",") + "\n"
        // a key this run never sent, but the echo is c's: c's, by content.
        + line(c, "{\"v\":3}").replaceFirst("\\{", "{\"vbatch_key\":\"" + unknownKey + "\",") + "\n");
    KeyTable keys = new KeyTable();
    keys.add(RequestKey.of(a));
    keys.add(RequestKey.of(c));
    PredictionDecoder decoder = new PredictionDecoder(new ResultSchema(Json.read("{\"type\":\"object\"}")), 0);
    Path round = tmp.resolve("round-1.jsonl");
    Collected[] got = new Collected[1];
    LocalBlobStore store = new LocalBlobStore(tmp);
    OutcomeFile.write(round, Map.of(), out -> got[0] = CollectStep.run(List.of(store.uri("out")), keys, store, decoder, e -> { }, out));
    assertThat(got[0].unmatched()).isZero();
    Map<String, Outcome> byKey = OutcomeFile.read(round, n -> true);
    assertThat(byKey.get(RequestKey.of(a)).data().get("v").asInt()).isEqualTo(1);
    assertThat(byKey.get(RequestKey.of(c)).data().get("v").asInt()).isEqualTo(3);
  }
}
