#!/usr/bin/env bash
# Start-up benchmark: time from command to a login page answering 200, and resident memory (RSS) of the
# packaged app once its login page has been served.
#
#   bench/startup.sh jar [runs]     packaged jar (java -jar), fresh H2 database each run
#   bench/startup.sh readme         the README's first command on a fresh clone: first run, then a later run
#   bench/startup.sh readme-cold    as readme, but also with an empty Maven repository (downloads everything)
#
# Prints one line per run and a summary; copy the figures into docs/benchmarks.md with the machine and date.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-jar}
runs=${2:-3}
port=${PORT:-18080}

wait_for_login() { # pid start_ns -> seconds until /login answers 200
  local pid=$1 start=$2
  until curl -s -o /dev/null -w '%{http_code}' "http://localhost:$port/login" 2>/dev/null | grep -q 200; do
    kill -0 "$pid" 2>/dev/null || { echo "process $pid died" >&2; return 1; }
    sleep 0.2
  done
  awk -v s="$start" -v e="$(date +%s%N)" 'BEGIN { printf "%.1f", (e - s) / 1e9 }'
}

stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

case "$mode" in
  jar)
    jar="$here/target/llmops-studio.jar"
    [ -f "$jar" ] || { echo "build first: ./mvnw -DskipTests package" >&2; exit 1; }
    total=0
    for i in $(seq 1 "$runs"); do
      work=$(mktemp -d)
      start=$(date +%s%N)
      (cd "$work" && exec java -jar "$jar" --server.port="$port" > app.log 2>&1) &
      pid=$!
      secs=$(wait_for_login "$pid" "$start")
      java_pid=$(pgrep -f "server.port=$port" | head -1)
      rss_kb=$(ps -o rss= -p "$java_pid" | tr -d ' ')
      echo "run $i: login page after ${secs}s, RSS $((rss_kb / 1024)) MiB"
      stop "$pid"; rm -rf "$work"
    done
    ;;
  readme|readme-cold)
    clone=$(mktemp -d)/llmops-studio
    git clone -q "$here" "$clone"
    extra=()
    if [ "$mode" = readme-cold ]; then extra=(-Dmaven.repo.local="$(dirname "$clone")/m2"); fi
    for label in first later; do
      start=$(date +%s%N)
      (cd "$clone" && exec ./mvnw -q "${extra[@]}" spring-boot:run -Dspring-boot.run.arguments=--server.port="$port" > run-$label.log 2>&1) &
      pid=$!
      secs=$(wait_for_login "$pid" "$start")
      echo "$label run of './mvnw spring-boot:run': login page after ${secs}s"
      pkill -f "server.port=$port" || true; stop "$pid"
    done
    ;;
  *) echo "unknown mode $mode" >&2; exit 2 ;;
esac
