#!/usr/bin/env python3
"""Writes fuzzer seeds for ResponseParserFuzzer from the HTTP corpora in Tests/Corpora.

Every server reply in curl-http.jsonl and every response in llhttp-responses.jsonl
becomes one seed file: the two option bytes the fuzz target reads first (see
Sources/ResponseParserFuzzer/FuzzCase.swift), then the raw bytes. The corpora are
not copied into the repository; seeds are made at run time.

usage: make-seeds.py CORPUS_DIR OUT_DIR [MAX_BYTES]
"""

import base64
import hashlib
import json
import os
import sys

# Option byte 0, bits 0-1: the request methods (0 GET, 1 HEAD); bits 3-7 seed random
# piece sizes. Option byte 1: 0x80 + n means pieces of 1 to n bytes.
GET, HEAD = 0, 1
SPLIT = 0x80 + 7
# curl's replies name the test server's port; any number of the same shape will do.
PORT = b"8990"


def seed(method, index, wire):
    return bytes([method | (index % 32) << 3, SPLIT]) + wire


def curl_seeds(path):
    with open(path, encoding="utf-8") as lines:
        for index, line in enumerate(lines):
            case = json.loads(line)
            method = HEAD if case.get("options", {}).get("head") else GET
            for reply in case["replies"]:
                wire = base64.b64decode(reply["bytes_b64"]).replace(b"%HTTPPORT", PORT)
                yield seed(method, index, wire)


def llhttp_seeds(path):
    with open(path, encoding="utf-8") as lines:
        for index, line in enumerate(lines):
            case = json.loads(line)
            method = HEAD if case.get("skip_body") else GET
            yield seed(method, index, base64.b64decode(case["raw_b64"]))


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__.strip())
    corpus, out = sys.argv[1], sys.argv[2]
    max_bytes = int(sys.argv[3]) if len(sys.argv) == 4 else 8192
    sources = {
        "curl": (os.path.join(corpus, "curl-http.jsonl"), curl_seeds),
        "llhttp": (os.path.join(corpus, "llhttp-responses.jsonl"), llhttp_seeds),
    }
    for path, _ in sources.values():
        if not os.path.isfile(path):
            sys.exit(f"make-seeds.py: {path} is missing; the corpora are in Tests/Corpora")
    os.makedirs(out, exist_ok=True)
    written = 0
    for name, (path, reader) in sources.items():
        for data in reader(path):
            data = data[:max_bytes]
            digest = hashlib.sha1(data).hexdigest()[:16]
            with open(os.path.join(out, f"{name}-{digest}"), "wb") as seed_file:
                seed_file.write(data)
            written += 1
    print(f"{written} seeds in {out}")


if __name__ == "__main__":
    main()
