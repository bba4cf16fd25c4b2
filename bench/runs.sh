#!/usr/bin/env bash
# Run-engine benchmark: the real application (random port, fresh in-memory H2 in PostgreSQL mode, one server,
# embedded worker with 4 slots) running generated, valid pipelines of scripted no-op steps (the test suite's
# ScriptedExecutors), measuring
#   - hand-off latency, embedded worker: a 101-step chain (every step has one predecessor), 5 runs after 1
#     warm-up run = 500 hand-offs; for every edge, successor startedAt - predecessor finishedAt as stored;
#     p50, p95, max. Then the same chain on a remote worker: a separate JVM started with the README's worker
#     command on this classpath, HTTP long-poll over loopback, embedded worker disabled;
#   - a 500-step fan-out/fan-in DAG (one dataset fanning out to 124 branches, joined pairwise through
#     evaluate + quality gate, then a 5-step tail): RunService.start -> run SUCCEEDED, polled every 20 ms;
#     3 runs after 1 warm-up run; each run and the median;
#   - where the time goes: a timing interceptor on TaskDispatcher (each call with its transaction).
# Goals: hand-off p50 < 50 ms embedded (< 300 ms remote), 500-step DAG < 30 s. Nothing is asserted.
#
#   bench/runs.sh
#
# Builds (frontend included) with the `bench` Maven profile, which adds bench/src/main/java to the test sources
# and runs dev.llmops.studio.bench.RunBenchmark with exec:java on the test classpath. Takes a few minutes on
# 2 cores. Prints progress lines and one summary block; copy the figures into docs/benchmarks.md with the
# machine and date.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
./mvnw -q -Pbench -DskipTests -Dexec.mainClass=dev.llmops.studio.bench.RunBenchmark test-compile exec:java
