package dev.vbatch.run;

import java.util.List;
import java.util.Map;

/**
 * The requests of a run: the key of every sendable item (null for skipped ones, by plan index),
 * the shard each distinct request went into, the shards, and an estimate of their tokens.
 */
public record Requests(
    List<String> keys, Map<String, Integer> shardOfKey, int unique, List<ShardSink.Shard> shards, long estimatedInputTokens, long estimatedOutputTokens) {}
