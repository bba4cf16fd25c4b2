#!/usr/bin/env bash
# Serving benchmark (issue 8): the real application serving the tiny and small presets (random weights, one
# replica, batches up to 32) over HTTP like an OpenAI client:
#   - 1, 8 and 32 concurrent clients looping streaming chat requests (32-byte prompt, 128 new tokens, greedy) for
#     20 s each: throughput (completion tokens/s), p50/p95 latency and time to first token;
#   - the gateway's own overhead: p50 of a one-token request over HTTP minus p50 of the same work in-process;
#   - a 2-minute soak at 32 clients on tiny, counting errors.
# Goals: overhead p50 < 2 ms; throughput at 32 clients >= 4x that at 1 client; no errors in the soak.
#
#   bench/serving.sh [presets]     default: tiny,small   (-Dserving.bench.seconds=20, -Dserving.bench.soak-seconds=120)
#
# Builds with the `bench` Maven profile (bench/src/main/java joins the test sources) and runs
# dev.llmops.studio.bench.ServingBenchmark with exec:java. About 6 minutes on 2 cores. Nothing is asserted; copy
# the summary into docs/benchmarks.md with the machine and date.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
./mvnw -q -Pbench -DskipTests -Dexec.mainClass=dev.llmops.studio.bench.ServingBenchmark \
    -Dexec.args="${1:-tiny,small}" ${SERVING_BENCH_OPTS:-} test-compile exec:java
