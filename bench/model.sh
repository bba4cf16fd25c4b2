#!/usr/bin/env bash
# Model engine benchmark (issue 6): DJL's PyTorch engine (2.7.1, CPU) and the plain-Java decoder on the built-in
# Llama presets tiny (~1 M parameters) and small (~10 M), random weights, measuring
#   - the fp32 matmul peak of this machine as DJL reaches it: C = A·B on square 512/1024/2048 matrices, best of
#     ten 0.3 s rounds;
#   - training throughput of LlamaTrainer.step (forward, backward, clipping, AdamW) at batch 16 × 128 tokens:
#     tokens/s and GFLOP/s, counting 6 FLOPs per matrix weight per token plus attention (12·layers·T·d_attn per
#     token, the full T×T scores the engine computes); goal: >= 30 % of the matmul peak for small;
#   - greedy generation with a KV cache, batch 1, a 32-token prompt and 128 new tokens, tokens/s over the whole
#     call: the former DJL path (LlamaBlock + KvCache), LlamaGenerator (CpuDecoder, plain Java), and a PyTorch
#     eager reference of the same architecture and shapes (bench/python/llama_eager.py on Debian's python3-torch
#     with libopenblas0-pthread as the BLAS; skipped when torch does not import); goal: LlamaGenerator at least
#     as fast as PyTorch eager. Also CpuDecoder stepping 8 sequences together (appendEach), tokens/s in all.
# Each figure at 1 and 2 threads (-Dai.djl.pytorch.num_threads=N, num_interop_threads=1; torch.set_num_threads(N)
# and the BLAS's thread variables; CpuDecoder always uses the calling thread only), one JVM per thread count
# because DJL fixes its threads when the engine loads. Offline: nothing is downloaded (natives from the pytorch-native-cpu jar, cached
# in target/djl-cache). Nothing is asserted; copy the summary into docs/benchmarks.md with the machine and date.
# The machine's load (uptime) is printed before each part: on shared cores, 2-thread figures suffer first.
#
#   bench/model.sh [parts] [threads...]     defaults: matmul,train,generate 1 2
#
# Builds with the `bench` Maven profile (bench/src/main/java joins the test sources) and runs
# dev.llmops.studio.model.ModelBenchmark with exec:exec on the test classpath. About 5 minutes on 2 quiet cores.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
parts=${1:-matmul,train,generate}
threads=(1 2)
if [[ $# -gt 1 ]]; then
    threads=("${@:2}")
fi
results=target/model-bench.tsv
mkdir -p target
rm -f "$results"

./mvnw -q -Pbench -DskipTests test-compile
for n in "${threads[@]}"; do
    echo "== Java, $n thread(s); load: $(uptime | sed 's/.*load average/load average/')"
    ./mvnw -q -Pbench exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
        -Dexec.args="-Dai.djl.offline=true -Dai.djl.pytorch.num_threads=$n -Dai.djl.pytorch.num_interop_threads=1 \
-DDJL_CACHE_DIR=$here/target/djl-cache -cp %classpath dev.llmops.studio.model.ModelBenchmark measure $n $results $parts"
done

# Debian's torch lives in the system Python; a pyenv or venv python3 first on the PATH may not see it
python=""
for candidate in python3 /usr/bin/python3; do
    if command -v "$candidate" > /dev/null && "$candidate" -c 'import torch' 2> /dev/null; then
        python=$candidate
        break
    fi
done
if [[ -n "$python" && ",$parts," == *",generate,"* ]]; then
    for n in "${threads[@]}"; do
        echo "== PyTorch eager, $n thread(s); load: $(uptime | sed 's/.*load average/load average/')"
        "$python" bench/python/llama_eager.py "$n" "$results"
    done
elif [[ -z "$python" ]]; then
    echo "== PyTorch eager skipped: no python3 imports torch (apt-get install -y python3-torch libopenblas0-pthread)"
fi

./mvnw -q -Pbench exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
    -Dexec.args="-cp %classpath dev.llmops.studio.model.ModelBenchmark summary $results"
