#!/usr/bin/env bash
# Dataset benchmark: a generated ~500 MB CSV through parse + validate + PII scan/redaction + duplicate removal +
# stats + split + store, in a JVM limited to -Xmx256m. Prints MB/s (goal >= 30 MB/s on this machine) and the
# peak heap. Nothing is asserted; copy the figures into docs/benchmarks.md with the machine and date.
#
#   bench/datasets.sh [size-in-MB]     (default 500)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
./mvnw -q -Pbench -DskipTests test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
  -Dexec.args="-Xmx256m -cp %classpath dev.llmops.studio.dataset.DatasetBenchmark ${1:-500}"
