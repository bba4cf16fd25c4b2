#!/usr/bin/env bash
# Weight-only quantization benchmark (issue 7): dev.llmops.studio.model.QuantizationBenchmark trains a tiny
# (≈ 1 M parameters) and a small (≈ 10 M) model from scratch on the demo data (support-replies, split by
# position: every tenth example is validation), writes each as a float32 package, then quantizes it as the
# Quantize step does (int8 per channel; int4 with groups of 32, 64, 128, asymmetric and symmetric), loads it back
# dequantized and scores the validation split. Prints per scheme the weight-file size relative to the float32
# model.safetensors and the relative change in validation perplexity, beside the goals:
#   int8 ≤ 0.27× and Δ perplexity ≤ 1 %; int4 group 64 ≤ 0.16× and Δ perplexity ≤ 5 %.
# No server, no database. Nothing is asserted here; QuantizedModelTest asserts the goals on a tiny model.
#
#   bench/quantization.sh [tinySteps [smallSteps [threads]]]        defaults: 100 100 1
#
# Builds with the `bench` Maven profile and runs the class with exec:java on the test classpath (it reuses the
# tests' DemoTraining). 100 steps are about three epochs of the 243 training examples; longer runs overfit
# (200 steps: tiny validation perplexity 24.8 instead of 12.7). The whole run takes ≈ 4 min on 2 shared cores,
# most of it training the small model; pass 0 as smallSteps to skip it. Copy the summary into
# docs/benchmarks.md with the machine, date and `uptime` load.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$here/target/djl-cache}"
uptime
./mvnw -q -Pbench -DskipTests -Dexec.mainClass=dev.llmops.studio.model.QuantizationBenchmark \
    -Dexec.args="${1:-100} ${2:-100} ${3:-1}" test-compile exec:java
uptime
