"""PyTorch eager reference for bench/model.sh: greedy generation with a KV cache on the same Llama architecture
and shapes as the Java engine (LlamaShape.tiny / small), written the way transformers' LlamaForCausalLM computes
it: RMSNorm, rotary embeddings in the rotate_half convention, grouped-query attention by repeat_kv, SwiGLU, tied
embeddings. Random weights (normal 0.02, as LlamaBlock initialises them): only the speed is compared.

Two variants: "linear" is nn.Linear everywhere, as transformers does; "mv" computes a decode step's projections
with torch.mv, because with Debian's torch 1.13 and OpenBLAS, nn.Linear on one row goes through sgemm, which is
about 5x slower than sgemv for these shapes. The faster variant is the yardstick.

    python3 bench/python/llama_eager.py <threads> <results.tsv>

Appends "torch.t<threads>.gen.<model>.<variant>.tokens_per_s<TAB>value" lines to the results file. The thread
count must reach the BLAS before torch loads, hence the environment variables set first.
"""
import os
import sys

THREADS = int(sys.argv[1])
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = str(THREADS)

import math  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402

PROMPT = 32
NEW_TOKENS = 128
# name: vocab, hidden, intermediate, layers, heads, kv heads, rope theta, rms eps, max positions
SHAPES = {
    "tiny": (262, 128, 512, 4, 4, 2, 10000.0, 1e-5, 256),
    "small": (262, 384, 1088, 6, 6, 2, 10000.0, 1e-5, 512),
}


def project(linear, x, matrix_vector):
    """x W^T; for a single row optionally as a matrix-vector product (see the module docstring)."""
    if matrix_vector and x.shape[0] * x.shape[1] == 1:
        return torch.mv(linear.weight, x.reshape(-1)).view(1, 1, -1)
    return linear(x)


class RmsNorm(nn.Module):
    def __init__(self, width, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(width))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Attention(nn.Module):
    def __init__(self, hidden, heads, kv_heads):
        super().__init__()
        self.heads, self.kv_heads, self.head_dim = heads, kv_heads, hidden // heads
        self.q_proj = nn.Linear(hidden, heads * self.head_dim, bias=False)
        self.k_proj = nn.Linear(hidden, kv_heads * self.head_dim, bias=False)
        self.v_proj = nn.Linear(hidden, kv_heads * self.head_dim, bias=False)
        self.o_proj = nn.Linear(heads * self.head_dim, hidden, bias=False)

    def forward(self, x, cos, sin, cache, past, mask, mv):
        batch, length, _ = x.shape
        q = project(self.q_proj, x, mv).view(batch, length, self.heads, self.head_dim).transpose(1, 2)
        k = project(self.k_proj, x, mv).view(batch, length, self.kv_heads, self.head_dim).transpose(1, 2)
        v = project(self.v_proj, x, mv).view(batch, length, self.kv_heads, self.head_dim).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        keys, values = cache
        keys[:, :, past:past + length] = k
        values[:, :, past:past + length] = v
        k = keys[:, :, :past + length]
        v = values[:, :, :past + length]
        group = self.heads // self.kv_heads
        if group > 1:  # repeat_kv
            k = k[:, :, None].expand(batch, self.kv_heads, group, past + length, self.head_dim).reshape(
                batch, self.heads, past + length, self.head_dim)
            v = v[:, :, None].expand(batch, self.kv_heads, group, past + length, self.head_dim).reshape(
                batch, self.heads, past + length, self.head_dim)
        scores = q @ k.transpose(2, 3) / math.sqrt(self.head_dim)
        if mask is not None:
            scores = scores + mask
        context = torch.softmax(scores, dim=-1) @ v
        return project(self.o_proj, context.transpose(1, 2).reshape(batch, length, -1), mv)


class Mlp(nn.Module):
    def __init__(self, hidden, intermediate):
        super().__init__()
        self.gate_proj = nn.Linear(hidden, intermediate, bias=False)
        self.up_proj = nn.Linear(hidden, intermediate, bias=False)
        self.down_proj = nn.Linear(intermediate, hidden, bias=False)

    def forward(self, x, mv):
        gated = nn.functional.silu(project(self.gate_proj, x, mv)) * project(self.up_proj, x, mv)
        return project(self.down_proj, gated, mv)


class Layer(nn.Module):
    def __init__(self, hidden, intermediate, heads, kv_heads, eps):
        super().__init__()
        self.input_layernorm = RmsNorm(hidden, eps)
        self.self_attn = Attention(hidden, heads, kv_heads)
        self.post_attention_layernorm = RmsNorm(hidden, eps)
        self.mlp = Mlp(hidden, intermediate)

    def forward(self, x, cos, sin, cache, past, mask, mv):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, cache, past, mask, mv)
        return x + self.mlp(self.post_attention_layernorm(x), mv)


class Llama(nn.Module):
    def __init__(self, vocab, hidden, intermediate, layers, heads, kv_heads, theta, eps, max_positions):
        super().__init__()
        self.embed_tokens = nn.Embedding(vocab, hidden)
        self.layers = nn.ModuleList(Layer(hidden, intermediate, heads, kv_heads, eps) for _ in range(layers))
        self.norm = RmsNorm(hidden, eps)
        self.lm_head = nn.Linear(hidden, vocab, bias=False)
        self.lm_head.weight = self.embed_tokens.weight
        head_dim = hidden // heads
        inverse = theta ** (-torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim)
        angles = torch.arange(max_positions, dtype=torch.float32)[:, None] * inverse[None, :]
        angles = torch.cat((angles, angles), dim=-1)
        self.cos, self.sin = angles.cos(), angles.sin()
        self.kv_shape = (kv_heads, max_positions, head_dim)
        for parameter in self.parameters():
            if parameter.dim() == 2:
                nn.init.normal_(parameter, std=0.02)

    def new_cache(self, batch):
        return [(torch.zeros(batch, *self.kv_shape), torch.zeros(batch, *self.kv_shape)) for _ in self.layers]

    def forward(self, ids, cache, past, mv):
        length = ids.shape[1]
        cos, sin = self.cos[past:past + length], self.sin[past:past + length]
        mask = None
        if length > 1:
            mask = torch.full((length, past + length), -1e9).triu(past + 1)
        x = self.embed_tokens(ids)
        for layer, layer_cache in zip(self.layers, cache):
            x = layer(x, cos, sin, layer_cache, past, mask, mv)
        return project(self.lm_head, self.norm(x[:, -1:]), mv)


def greedy(model, prompt, count, mv):
    cache = model.new_cache(1)
    ids = torch.tensor([prompt])
    past = 0
    produced = []
    for _ in range(count):
        logits = model(ids, cache, past, mv)
        past += ids.shape[1]
        produced.append(int(logits[0, -1].argmax()))
        ids = torch.tensor([[produced[-1]]])
    return produced


def main():
    torch.set_num_threads(THREADS)
    torch.manual_seed(23)
    results = sys.argv[2]
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), "
          f"{torch.backends.cpu.get_cpu_capability() if hasattr(torch.backends, 'cpu') else ''}")
    for name, shape in SHAPES.items():
        model = Llama(*shape).eval()
        prompt = torch.randint(0, 256, (PROMPT,)).tolist()
        reference = None
        for variant in ("linear", "mv"):
            seconds = []
            with torch.inference_mode():
                started = time.perf_counter()
                run = 0
                while run < 8 or time.perf_counter() - started < 5:
                    start = time.perf_counter()
                    tokens = greedy(model, prompt, NEW_TOKENS, variant == "mv")
                    if run >= 2:
                        seconds.append(time.perf_counter() - start)
                    run += 1
            # both variants compute the same thing: a check that the faster one is not faster by being wrong
            reference = reference or tokens
            rate = NEW_TOKENS / statistics.median(seconds)
            print(f"generate {name} ({variant}): PyTorch eager {rate:.0f} tokens/s ({len(seconds)} runs), "
                  f"same tokens as nn.Linear: {tokens == reference}")
            with open(results, "a", encoding="utf-8") as out:
                out.write(f"torch.t{THREADS}.gen.{name}.{variant}.tokens_per_s\t{rate:.6g}\n")


if __name__ == "__main__":
    main()
