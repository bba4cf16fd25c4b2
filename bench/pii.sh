#!/usr/bin/env bash
# PII detection benchmark: dev.llmops.studio.dataset.PiiDetector on the labelled synthetic set
# (PiiEvaluationSet: customer-support sentences with e-mail addresses, phone numbers, IBANs, card numbers and
# IP addresses, and many hard negatives), measuring
#   - per type: support, true positives, false positives, false negatives, precision, recall (a detection counts
#     only with exactly the labelled span), plus up to 3 example errors per type;
#   - throughput: PiiDetector.find over the whole set's text, single thread, 10 s after 3 s warm-up, in MB/s of
#     UTF-8 text;
#   - 1 MB of random digits, dots and @ (the hostile-input case the unit test guards).
# No server, no database. Nothing is asserted here; the unit test asserts precision and recall >= 0.95 per type
# on another seed.
#
#   bench/pii.sh [seed [sentences]]        defaults: 20261128 20000
#
# Builds with the `bench` Maven profile, which adds bench/src/main/java to the test sources, and runs
# dev.llmops.studio.bench.PiiBenchmark with exec:java on the test classpath. Prints one summary block; copy the
# figures into docs/benchmarks.md with the machine and date.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
./mvnw -q -Pbench -DskipTests -Dexec.mainClass=dev.llmops.studio.bench.PiiBenchmark \
    -Dexec.args="${1:-20261128} ${2:-20000}" test-compile exec:java
