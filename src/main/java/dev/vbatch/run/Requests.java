package dev.vbatch.run;

import java.util.List;
import java.util.Map;

/**
 * The requests of a run: the key of every sendable item (null for skipped ones, by plan index),
 * the version of the Cloud Storage file each one references (null when it references none), the
 * shard each distinct request to send went into, the shards, an estimate of their tokens, and
 * the earlier answers reused instead of sending.
 */
public record Requests(
    List<String> keys, List<String> versions, Map<String, Integer> shardOfKey, int unique, List<ShardSink.Shard> shards,
    long estimatedInputTokens, long estimatedOutputTokens, Map<String, dev.vbatch.results.Outcome> reused) {}
