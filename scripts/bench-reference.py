"""The reference merge for scripts/bench: what a small Python script would do with the same
predictions file. Per line: json.loads, a key from the echoed request (sha256 of its sorted JSON,
standing in for vbatch's canonical key) looked up among the round's keys, json.loads of the
response text, and one JSON line written. No schema validation, so it does less than vbatch.
"""
import hashlib
import json
import os
import sys

d = sys.argv[1]
keys = set()
with open(os.path.join(d, "round-1.keys")) as f:
    for line in f:
        keys.add(line.split("\t", 1)[0])
with open(os.path.join(d, "output", "predictions.jsonl")) as f, open(os.path.join(d, "reference.jsonl"), "w") as out:
    for line in f:
        obj = json.loads(line)
        key = hashlib.sha256(json.dumps(obj["request"], sort_keys=True).encode()).hexdigest()[:32]
        known = key in keys
        text = obj["response"]["candidates"][0]["content"]["parts"][0]["text"]
        data = json.loads(text)
        out.write(json.dumps({"key": key, "known": known, "status": "succeeded", "data": data}) + "\n")
