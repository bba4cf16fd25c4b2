#!/usr/bin/env bash
# Demo training benchmark: the real application with its production defaults (embedded worker, 2 slots,
# fresh in-memory H2, the demo dataset imported on first start) runs the shipped "Fine-tune and deploy"
# template, unchanged, up to its Fine-tune step ("Run to here"), printing the step's log as it goes and then
# the step's wall time and the validation loss before and after training.
# Goal (issue 6): finishes within 10 minutes on 2 CPU cores with a clear drop in validation loss.
#
#   bench/demo-training.sh
#
# Builds with the `bench` Maven profile and runs dev.llmops.studio.bench.DemoTrainingBenchmark with exec:java.
# Run it on a quiet machine; copy the summary into docs/benchmarks.md with the machine and date.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$here/target/djl-cache}"
./mvnw -q -Pbench -DskipTests -Dexec.mainClass=dev.llmops.studio.bench.DemoTrainingBenchmark test-compile exec:java
