#!/usr/bin/env bash
# Designer benchmark: a generated, valid pipeline of 300 steps and 400 connections on the real application
# (random port, fresh in-memory H2, production-mode frontend), measuring
#   - server validate + save: PipelineService.validate then PipelineService.save (a new version each time),
#     30 runs after 5 warm-up runs; median and p95, plus validate-only and save-only medians;
#   - navigation -> interactive canvas: headless Chromium (/usr/bin/chromium, or CHROMIUM_PATH) via Playwright
#     navigates to /pipelines/<id> until all 300 nodes are rendered AND a click on one selects it;
#     5 runs after 2 warm-up runs; median and max.
# Goals on the 2-core reference machine: interactive < 2000 ms, validate + save < 300 ms. Nothing is asserted.
#
#   bench/designer.sh
#
# Builds (frontend included) with the `bench` Maven profile, which adds bench/src/main/java to the test sources
# and runs dev.llmops.studio.bench.DesignerBenchmark with exec:java on the test classpath. Takes a few minutes
# on 2 cores. Prints progress lines and one summary block; copy the figures into docs/benchmarks.md with the
# machine and date.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || { echo "needs Chromium at ${CHROMIUM_PATH:-/usr/bin/chromium}" >&2; exit 1; }
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
./mvnw -q -Pbench -DskipTests test-compile exec:java
