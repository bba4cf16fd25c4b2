package dev.llmops.studio.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.training.tracker.Tracker;
import dev.llmops.studio.bench.Machine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The model engine's figures for issue 6 (run with {@code bench/model.sh}): the fp32 matmul peak of DJL's
 * PyTorch on this machine, training throughput of {@link LlamaTrainer#step} against it, and greedy generation
 * speed of the DJL path ({@link LlamaBlock} with {@link KvCache}) and of {@link LlamaGenerator} (the plain-Java
 * {@link CpuDecoder}). One JVM measures one thread count, because DJL fixes its thread count when the engine
 * loads; each run appends {@code key<TAB>value} lines to a results file, and {@code summary} turns that file,
 * with the PyTorch eager figures of bench/python/llama_eager.py, into the table for docs/benchmarks.md.
 *
 * <pre>
 *   ModelBenchmark measure &lt;threads&gt; &lt;results.tsv&gt;
 *   ModelBenchmark summary &lt;results.tsv&gt;
 * </pre>
 */
public final class ModelBenchmark {

    static final int BATCH = 16;
    static final int SEQUENCE = 128;
    static final int PROMPT = 32;
    static final int NEW_TOKENS = 128;
    static final int BATCHED_SEQUENCES = 8;
    static final double TRAINING_GOAL = 0.30;

    private static final int[] MATMUL_SIZES = {512, 1024, 2048};
    private static final Map<String, LlamaShape> MODELS = new LinkedHashMap<>();

    static {
        MODELS.put("tiny", LlamaShape.tiny());
        MODELS.put("small", LlamaShape.small());
    }

    private ModelBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        if ((args.length == 3 || args.length == 4) && args[0].equals("measure")) {
            Set<String> parts = Set.of((args.length == 4 ? args[3] : "matmul,train,generate").split(","));
            measure(Integer.parseInt(args[1]), Path.of(args[2]), parts);
        } else if (args.length == 2 && args[0].equals("summary")) {
            System.out.print(summary(Files.readAllLines(Path.of(args[1]))));
        } else {
            throw new IllegalArgumentException(
                    "usage: measure <threads> <results.tsv> [matmul,train,generate] | summary <results.tsv>");
        }
    }

    private static void measure(int threads, Path results, Set<String> parts) {
        String configured = System.getProperty("ai.djl.pytorch.num_threads");
        if (!String.valueOf(threads).equals(configured)) {
            throw new IllegalStateException("start the JVM with -Dai.djl.pytorch.num_threads=" + threads
                    + " (got " + configured + "): DJL reads it once, when the engine loads");
        }
        Results out = new Results(results, "java.t" + threads + ".");
        Engine engine = Engine.getEngine("PyTorch");
        System.out.printf("engine %s %s, %d thread(s)%n", engine.getEngineName(), engine.getVersion(), threads);
        try (NDManager manager = NDManager.newBaseManager()) {
            if (parts.contains("matmul")) {
                double peak = 0;
                for (int size : MATMUL_SIZES) {
                    double gflops = matmulGflops(manager, size);
                    System.out.printf("matmul %d×%d: %.1f GFLOP/s%n", size, size, gflops);
                    out.put("matmul." + size + ".gflops", gflops);
                    peak = Math.max(peak, gflops);
                }
                out.put("matmul.peak.gflops", peak);
            }
            for (Map.Entry<String, LlamaShape> model : MODELS.entrySet()) {
                if (parts.contains("train")) {
                    train(manager, model.getKey(), model.getValue(), out);
                }
            }
            for (Map.Entry<String, LlamaShape> model : MODELS.entrySet()) {
                if (parts.contains("generate")) {
                    generate(manager, model.getKey(), model.getValue(), out);
                }
            }
        }
    }

    /**
     * Best of ten 0.3 s rounds of C = A·B on square float32 matrices, after an untimed one: on shared cores the
     * best round is the one the neighbours left alone, which is what a peak means.
     */
    private static double matmulGflops(NDManager manager, int size) {
        double best = 0;
        try (NDManager scope = manager.newSubManager()) {
            NDArray a = scope.randomNormal(new Shape(size, size));
            NDArray b = scope.randomNormal(new Shape(size, size));
            for (int round = 0; round <= 10; round++) {
                int products = 0;
                long start = System.nanoTime();
                long elapsed;
                do {
                    try (NDManager step = scope.newSubManager()) {
                        NDArray c = a.matMul(b);
                        c.attach(step);
                        // toFloatArray of one element forces the product to finish before the clock stops
                        c.get(0, 0).toFloatArray();
                    }
                    products++;
                    elapsed = System.nanoTime() - start;
                } while (elapsed < 300_000_000L);
                if (round > 0) {
                    best = Math.max(best, 2.0 * size * size * size * products / elapsed);
                }
            }
        }
        return best;
    }

    private static void train(NDManager manager, String name, LlamaShape shape, Results out) {
        try (NDManager scope = manager.newSubManager()) {
            LlamaBlock block = LlamaBlock.create(shape, scope);
            LlamaTrainer trainer = new LlamaTrainer(block, scope, Tracker.fixed(1e-3f), 0.01f, 1f);
            Random random = new Random(17);
            int[][] tokens = new int[BATCH][SEQUENCE + 1];
            boolean[][] trainable = new boolean[BATCH][SEQUENCE + 1];
            for (int row = 0; row < BATCH; row++) {
                for (int column = 0; column <= SEQUENCE; column++) {
                    tokens[row][column] = random.nextInt(256);
                    trainable[row][column] = true;
                }
            }
            for (int warmUp = 0; warmUp < 2; warmUp++) {
                trainer.step(tokens, trainable);
            }
            List<Double> seconds = new ArrayList<>();
            long started = System.nanoTime();
            while (seconds.size() < 3 || System.nanoTime() - started < 10_000_000_000L) {
                long start = System.nanoTime();
                trainer.step(tokens, trainable);
                seconds.add((System.nanoTime() - start) / 1e9);
            }
            double median = median(seconds);
            // forward and loss alone, no gradients: how the step splits between forward and the rest
            double forward = Double.MAX_VALUE;
            for (int run = 0; run < 3; run++) {
                long start = System.nanoTime();
                trainer.loss(tokens, trainable);
                forward = Math.min(forward, (System.nanoTime() - start) / 1e9);
            }
            double best = seconds.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            double tokensPerStep = (double) BATCH * SEQUENCE;
            double gflops = trainingFlopsPerToken(shape, SEQUENCE) * tokensPerStep / median / 1e9;
            System.out.printf("train %s: %d steps, median %.3f s/step (best %.3f, forward alone %.3f s), "
                    + "%.0f tokens/s, %.1f GFLOP/s%n", name, seconds.size(), median, best, forward,
                    tokensPerStep / median, gflops);
            out.put("train." + name + ".step_s", median);
            out.put("train." + name + ".best_step_s", best);
            out.put("train." + name + ".forward_s", forward);
            out.put("train." + name + ".tokens_per_s", tokensPerStep / median);
            out.put("train." + name + ".gflops", gflops);
        }
    }

    /**
     * Training FLOPs per token: 6 per weight of every matrix product (2 forward, 4 backward: the input's and the
     * weight's gradients), the tied embedding counted once for the head (the lookup costs nothing), plus
     * attention: q·kᵀ and p·v, 2·T·d each per layer and token forward, three times that with the backward,
     * counting the full T×T score matrix the engine computes (half of it is masked).
     */
    static double trainingFlopsPerToken(LlamaShape shape, int sequence) {
        double queryWidth = (double) shape.heads() * shape.headDim();
        double keyValueWidth = (double) shape.kvHeads() * shape.headDim();
        double perLayer = shape.hidden() * (queryWidth + 2 * keyValueWidth) + queryWidth * shape.hidden()
                + 3.0 * shape.hidden() * shape.intermediate();
        double matrixWeights = shape.layers() * perLayer + (double) shape.vocab() * shape.hidden();
        double attention = 12.0 * shape.layers() * sequence * queryWidth;
        return 6 * matrixWeights + attention;
    }

    private static void generate(NDManager manager, String name, LlamaShape shape, Results out) {
        try (NDManager scope = manager.newSubManager()) {
            LlamaBlock block = LlamaBlock.create(shape, scope);
            int[] prompt = new Random(23).ints(PROMPT, 0, 256).toArray();
            SamplingOptions greedy = SamplingOptions.greedy(NEW_TOKENS, List.of());

            int[] engineTokens = null;
            List<Double> engineSeconds = new ArrayList<>();
            for (int run = 0; run < 5; run++) {
                long start = System.nanoTime();
                engineTokens = engineGreedy(block, prompt, NEW_TOKENS, scope);
                if (run >= 2) {
                    engineSeconds.add((System.nanoTime() - start) / 1e9);
                }
            }

            long built = System.nanoTime();
            LlamaGenerator generator = new LlamaGenerator(block);
            double buildSeconds = (System.nanoTime() - built) / 1e9;
            int[] fastTokens = null;
            List<Double> fastSeconds = new ArrayList<>();
            long started = System.nanoTime();
            for (int run = 0; run < 10 || System.nanoTime() - started < 5_000_000_000L; run++) {
                long start = System.nanoTime();
                fastTokens = generator.generate(prompt, greedy).tokens();
                // the first runs include the JIT compiling the loops
                if (run >= 5) {
                    fastSeconds.add((System.nanoTime() - start) / 1e9);
                }
            }
            boolean same = Arrays.equals(engineTokens, fastTokens);
            double engineRate = NEW_TOKENS / median(engineSeconds);
            double fastRate = NEW_TOKENS / median(fastSeconds);
            System.out.printf("generate %s: DJL %.0f tokens/s, Java decoder %.0f tokens/s (built in %.0f ms), "
                    + "same greedy tokens: %s%n", name, engineRate, fastRate, buildSeconds * 1e3, same);
            out.put("gen." + name + ".djl.tokens_per_s", engineRate);
            out.put("gen." + name + ".java.tokens_per_s", fastRate);
            out.put("gen." + name + ".java.build_ms", buildSeconds * 1e3);
            out.put("gen." + name + ".same_tokens", same ? 1 : 0);

            CpuDecoder decoder = CpuDecoder.of(block);
            List<Double> batchSeconds = new ArrayList<>();
            for (int run = 0; run < 6; run++) {
                long start = System.nanoTime();
                batchedGreedy(decoder, prompt, BATCHED_SEQUENCES, NEW_TOKENS);
                if (run >= 3) {
                    batchSeconds.add((System.nanoTime() - start) / 1e9);
                }
            }
            double batchRate = (double) BATCHED_SEQUENCES * NEW_TOKENS / median(batchSeconds);
            System.out.printf("generate %s: Java decoder, %d sequences stepped together: %.0f tokens/s in all%n",
                    name, BATCHED_SEQUENCES, batchRate);
            out.put("gen." + name + ".java_batched.tokens_per_s", batchRate);
        }
    }

    /**
     * Greedy decoding of {@code sequences} copies of the prompt, each prefilled on its own, then one
     * {@link CpuDecoder#appendEach} per step for all of them: what batched serving would do.
     */
    static void batchedGreedy(CpuDecoder decoder, int[] prompt, int sequences, int count) {
        CpuDecoder.Sequence[] batch = new CpuDecoder.Sequence[sequences];
        int[] next = new int[sequences];
        for (int s = 0; s < sequences; s++) {
            batch[s] = decoder.newSequence(prompt.length + count);
            next[s] = argmax(decoder.append(batch[s], prompt));
        }
        for (int produced = 1; produced < count; produced++) {
            float[][] logits = decoder.appendEach(batch, next);
            for (int s = 0; s < sequences; s++) {
                next[s] = argmax(logits[s]);
            }
        }
    }

    /** The DJL path LlamaGenerator used before the plain-Java decoder: LlamaBlock's cached forward per token. */
    static int[] engineGreedy(LlamaBlock block, int[] prompt, int count, NDManager manager) {
        int[] produced = new int[count];
        try (NDManager generation = manager.newSubManager();
             KvCache cache = new KvCache(block.shape(), 1, prompt.length + count, generation)) {
            ParameterStore parameters = new ParameterStore(generation, false);
            int[] next = prompt;
            for (int i = 0; i < count; i++) {
                try (NDManager step = generation.newSubManager()) {
                    NDArray logits = block.forward(parameters, step.create(next, new Shape(1, next.length)), cache);
                    float[] last = logits.get(new NDIndex("0, {}", next.length - 1)).toFloatArray();
                    produced[i] = argmax(last);
                }
                next = new int[] {produced[i]};
            }
        }
        return produced;
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    static String summary(List<String> lines) {
        Map<String, Double> figures = new LinkedHashMap<>();
        for (String line : lines) {
            String[] parts = line.split("\t");
            if (parts.length == 2) {
                figures.put(parts[0], Double.parseDouble(parts[1]));
            }
        }
        List<Integer> threads = new ArrayList<>();
        for (int t = 1; t <= 64; t++) {
            String prefix = "java.t" + t + ".";
            if (figures.keySet().stream().anyMatch(key -> key.startsWith(prefix))) {
                threads.add(t);
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%n============ Model engine (issue 6): %s, %s CPU(s) (%s), %s RAM ============%n",
                LocalDate.now(), Machine.nproc(), Machine.cpuModel(), Machine.memTotal()));
        out.append(String.format(Locale.ROOT,
                "%nTraining: LlamaTrainer.step, batch %d × %d tokens, AdamW; tokens/s and GFLOP/s from the median "
                        + "step; FLOPs per token = 6·matrix weights + 12·layers·T·d_attn%n", BATCH, SEQUENCE));
        out.append("| threads | fp32 matmul peak (DJL, 512/1024/2048) | model | s/step: median (best; forward "
                + "alone) | tokens/s | GFLOP/s | % of peak | goal (small) |\n"
                + "| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (int t : threads) {
            String p = "java.t" + t + ".";
            if (!figures.containsKey(p + "matmul.peak.gflops")) {
                continue;
            }
            double peak = figures.get(p + "matmul.peak.gflops");
            String sizes = String.format(Locale.ROOT, "%.0f / %.0f / %.0f", figures.get(p + "matmul.512.gflops"),
                    figures.get(p + "matmul.1024.gflops"), figures.get(p + "matmul.2048.gflops"));
            for (String model : MODELS.keySet()) {
                Double step = figures.get(p + "train." + model + ".step_s");
                if (step == null) {
                    continue;
                }
                double share = figures.get(p + "train." + model + ".gflops") / peak;
                String goal = model.equals("small")
                        ? String.format(Locale.ROOT, "≥ %.0f %%: %s", TRAINING_GOAL * 100,
                        share >= TRAINING_GOAL ? "met" : "missed")
                        : "";
                out.append(String.format(Locale.ROOT,
                        "| %d | %s GFLOP/s | %s | %.3f (%.3f; %.3f) | %.0f | %.1f | %.0f %% | %s |%n",
                        t, sizes, model, step, figures.get(p + "train." + model + ".best_step_s"),
                        figures.get(p + "train." + model + ".forward_s"),
                        figures.get(p + "train." + model + ".tokens_per_s"),
                        figures.get(p + "train." + model + ".gflops"), share * 100, goal));
            }
        }
        out.append(String.format(Locale.ROOT,
                "%nGeneration: greedy, batch 1, prompt %d tokens, %d new tokens; tokens/s = %d / time of the whole "
                        + "call (prefill included), median%n", PROMPT, NEW_TOKENS, NEW_TOKENS));
        out.append("| threads | model | DJL LlamaBlock + KvCache (before) | LlamaGenerator = CpuDecoder (after) "
                + "| PyTorch eager, nn.Linear | PyTorch eager, torch.mv | after / best PyTorch "
                + "| goal ≥ PyTorch eager | CpuDecoder, " + BATCHED_SEQUENCES + " sequences per step, in all |\n"
                + "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (int t : threads) {
            for (String model : MODELS.keySet()) {
                String p = "java.t" + t + ".gen." + model + ".";
                if (!figures.containsKey(p + "java.tokens_per_s")) {
                    continue;
                }
                double after = figures.get(p + "java.tokens_per_s");
                Double linear = figures.get("torch.t" + t + ".gen." + model + ".linear.tokens_per_s");
                Double matrixVector = figures.get("torch.t" + t + ".gen." + model + ".mv.tokens_per_s");
                Double best = linear == null ? matrixVector
                        : matrixVector == null ? linear : Math.max(linear, matrixVector);
                String same = figures.get(p + "same_tokens") == 1 ? "" : " (greedy tokens differ from DJL!)";
                out.append(String.format(Locale.ROOT, "| %d | %s | %.0f | %.0f%s | %s | %s | %s | %s | %s |%n", t,
                        model, figures.get(p + "djl.tokens_per_s"), after, same, rate(linear), rate(matrixVector),
                        best == null ? "" : String.format(Locale.ROOT, "%.2f×", after / best),
                        best == null ? "not measured" : after >= best ? "met" : "missed",
                        rate(figures.get(p + "java_batched.tokens_per_s"))));
            }
        }
        return out.toString();
    }

    private static String rate(Double tokensPerSecond) {
        return tokensPerSecond == null ? "not run" : String.format(Locale.ROOT, "%.0f", tokensPerSecond);
    }

    /** Appends figures to the results file as they come, so a crash keeps what was measured. */
    private record Results(Path file, String prefix) {

        void put(String key, double value) {
            String line = prefix + key + "\t" + String.format(Locale.ROOT, "%.6g", value) + "\n";
            try {
                Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new IllegalStateException("cannot write " + file, e);
            }
        }
    }
}
