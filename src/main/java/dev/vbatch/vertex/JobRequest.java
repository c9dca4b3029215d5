package dev.vbatch.vertex;

import java.util.List;
import java.util.Map;

/** What to create: one batch job over JSONL shards on storage. */
public record JobRequest(
    String displayName, String model, List<String> inputUris, String outputUriPrefix, Map<String, String> labels) {}
