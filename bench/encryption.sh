#!/usr/bin/env bash
# Encryption at rest benchmark: dev.llmops.studio.vault.EncryptedFiles (AES-256-GCM envelope encryption, 16 KiB
# segments) on a weights file the size of the `small` preset's fp32 weights (10 M seeded Gaussian floats, 40 MB),
# measuring
#   - encrypt and decrypt throughput (MB/s of plaintext), and a plain read of the same bytes for comparison;
#   - load time of the weights: read + parse into a float[], plainly and through decryption; the goal is that
#     decryption adds < 10 % to it;
#   - rewrap (master key rotation of one file: new header, content copied unchanged).
# Files live under target/bench-encryption (removed afterwards) and stay in the page cache. No server, no
# database. Nothing is asserted here; the tests check correctness.
#
#   bench/encryption.sh [floats [runs]]        defaults: 10000000 9
#
# Builds with the `bench` Maven profile, which adds bench/src/main/java to the test sources, and runs
# dev.llmops.studio.bench.EncryptionBenchmark with exec:java on the test classpath. Prints one summary block with
# the machine's load average (the machine may be shared); copy the figures into docs/benchmarks.md.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
./mvnw -q -Pbench -DskipTests -Dexec.mainClass=dev.llmops.studio.bench.EncryptionBenchmark \
    -Dexec.args="${1:-10000000} ${2:-9}" test-compile exec:java
