#!/usr/bin/env bash
# Review-queue benchmark (issue 9): a queue of 100,000 items (two reviewers each) on the default H2 file database;
# a reviewer works through 1,000 items as the review screen does (next item, submit), then moves with J/K.
# Prints next-item latency p50/p95/max beside the goal (p95 < 150 ms), submit and J/K latency, and how long the
# queue took to fill; for 2 reviewers (100,000 items each, the worst case) and 20 (10,000 each).
#
#   bench/review-queue.sh
#
# Builds with the `bench` Maven profile (bench/src/main/java joins the test sources) and runs
# dev.llmops.studio.bench.ReviewQueueBenchmark with exec:java. A few minutes on 2 cores. Nothing is asserted; copy
# the summary into docs/benchmarks.md with the machine and date.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
./mvnw -q -Pbench -DskipTests -Dexec.mainClass=dev.llmops.studio.bench.ReviewQueueBenchmark \
    test-compile exec:java
