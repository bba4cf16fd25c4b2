package dev.llmops.studio.model;

import ai.djl.ndarray.NDManager;
import dev.llmops.studio.bench.Machine;
import dev.llmops.studio.model.ByteTokenizer.Encoded;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Weight-only quantization (issue 7) on models trained in-process on the demo data: a tiny one (≈ 1 M
 * parameters) and a small one (≈ 10 M), each trained from scratch for a given number of steps (batch 8, examples
 * cut to 160 tokens, AdamW, warm-up + cosine). Each model is written as a float32 package, then quantized the way
 * the Quantize step does it (int8 per channel; int4 with groups of 32, 64 and 128, asymmetric and symmetric),
 * loaded back through the checkpoint reader and scored on the validation split (perplexity over reply tokens,
 * full length, as the step scores it). Prints, per scheme, the weight-file size relative to the float32
 * model.safetensors and the relative change in validation perplexity, beside the goals: int8 ≤ 0.27× and
 * Δ ≤ 1 %, int4 (group 64) ≤ 0.16× and Δ ≤ 5 %.
 *
 * <pre>bench/quantization.sh [tinySteps [smallSteps [threads]]]     defaults 100 100 1</pre>
 */
public final class QuantizationBenchmark {

    private static final double INT8_SIZE_GOAL = 0.27;
    private static final double INT4_G64_SIZE_GOAL = 0.16;
    private static final double INT8_PERPLEXITY_GOAL_PCT = 1;
    private static final double INT4_PERPLEXITY_GOAL_PCT = 5;
    private static final int MAX_LENGTH = 160;
    private static final int BATCH_SIZE = 8;

    private QuantizationBenchmark() {
    }

    /**
     * {@code weightError}: squared reconstruction error over the squared norm of all quantized weights;
     * {@code kl}: mean KL divergence (nats) of the quantized model's next-token distribution from the float one's
     * over the validation reply tokens. Both measure the damage without the sign noise Δ perplexity has on a small
     * model, where rounding noise can lower the perplexity as easily as raise it.
     */
    record Row(String model, String scheme, long bytes, double ratio, double perplexity, double changePct,
               double accuracy, double weightError, double kl, double quantizeSeconds, double loadSeconds) {
    }

    public static void main(String[] args) throws Exception {
        int tinySteps = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int smallSteps = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        ModelEngine.applyDefaults();
        ModelEngine.prepareThread(threads);
        Path work = Files.createTempDirectory("quantization-bench-");
        int exitCode = 0;
        try {
            Path version = DemoTraining.writeDemoVersion(work.resolve("support-replies-version.jsonl"));
            TrainingExamples training = TrainingExamples.read(version, new ByteTokenizer(), MAX_LENGTH);
            List<Encoded> validation = TrainingExamples.read(version, new ByteTokenizer(),
                    LlamaShape.tiny().maxPositions(), false).validation();
            log(String.format(Locale.ROOT, "demo data: %d training, %d validation examples; %d CPU thread(s)",
                    training.train().size(), validation.size(), threads));
            List<Row> rows = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            if (tinySteps > 0) {
                rows.addAll(measure("tiny", LlamaShape.tiny(), tinySteps, 3e-3f, training, validation, work, notes));
            }
            if (smallSteps > 0) {
                rows.addAll(measure("small", LlamaShape.small(), smallSteps, 1e-3f, training, validation, work, notes));
            }
            print(rows, notes, tinySteps, smallSteps, threads);
        } catch (Throwable e) {
            e.printStackTrace();
            exitCode = 1;
        } finally {
            ModelPackage.deleteRecursively(work);
        }
        System.out.flush();
        System.exit(exitCode);
    }

    private static List<Row> measure(String name, LlamaShape shape, int steps, float learningRate,
                                     TrainingExamples training, List<Encoded> validation, Path work,
                                     List<String> notes) throws IOException {
        List<Row> rows = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            long start = System.nanoTime();
            LlamaBlock block = DemoTraining.train(shape, training, steps, BATCH_SIZE, learningRate, 42, manager);
            double trainSeconds = seconds(start);
            Path floatFolder = work.resolve(name + "-f32");
            ModelPackage.writeFolder(block, ModelPackage.newMetadata(), floatFolder);
            long floatBytes = Files.size(floatFolder.resolve(CheckpointReader.SINGLE_FILE));
            ModelEvaluation.Scores base = ModelEvaluation.score(block, validation, BATCH_SIZE, manager);
            String note = String.format(Locale.ROOT, "%s: %.2f M parameters, %d steps in %.0f s (%.2f s/step);"
                            + " float32 model.safetensors %d bytes; validation loss %.4f, perplexity %.4f,"
                            + " next-token accuracy %.1f %%", name, block.parameterCount() / 1e6, steps,
                    trainSeconds, trainSeconds / steps, floatBytes, base.loss(), base.perplexity(),
                    100 * base.nextTokenAccuracy());
            notes.add(note);
            log(note);
            rows.add(new Row(name, "float32", floatBytes, 1.0, base.perplexity(), 0, base.nextTokenAccuracy(), 0, 0, 0,
                    0));
            List<float[]> floatLogProbabilities = logProbabilities(block, validation, manager);
            Map<String, float[]> weights;
            LlamaConfig config;
            try (CheckpointReader reader = CheckpointReader.open(floatFolder)) {
                config = reader.config();
                weights = reader.readWeights();
            }
            List<WeightQuantization> schemes = List.of(WeightQuantization.int8(),
                    WeightQuantization.int4(32, false), WeightQuantization.int4(32, true),
                    WeightQuantization.int4(64, false), WeightQuantization.int4(64, true),
                    WeightQuantization.int4(128, false), WeightQuantization.int4(128, true));
            for (WeightQuantization scheme : schemes) {
                Path folder = work.resolve(name + "-" + scheme.scheme() + "-" + scheme.groupSize() + "-"
                        + (scheme.symmetric() ? "sym" : "asym"));
                long quantizeStart = System.nanoTime();
                ModelPackage.writeQuantizedFolder(floatFolder, config, weights, scheme, folder);
                double quantizeSeconds = seconds(quantizeStart);
                long bytes = ModelPackage.weightBytes(folder);
                long loadStart = System.nanoTime();
                Map<String, float[]> restored;
                try (CheckpointReader reader = CheckpointReader.open(folder)) {
                    restored = reader.readWeights();
                }
                double loadSeconds = seconds(loadStart);
                block.load(restored);
                ModelEvaluation.Scores scores = ModelEvaluation.score(block, validation, BATCH_SIZE, manager);
                double kl = meanKl(floatLogProbabilities, logProbabilities(block, validation, manager), validation);
                Row row = new Row(name, label(scheme), bytes, (double) bytes / floatBytes, scores.perplexity(),
                        100 * (scores.perplexity() / base.perplexity() - 1), scores.nextTokenAccuracy(),
                        relativeError(config, weights, restored), kl, quantizeSeconds, loadSeconds);
                rows.add(row);
                log(String.format(Locale.ROOT, "%s %s: %.4f×, perplexity %.4f (%+.3f %%), weight error %.2e,"
                                + " KL %.2e", name, row.scheme(), row.ratio(), row.perplexity(), row.changePct(),
                        row.weightError(), row.kl()));
                ModelPackage.deleteRecursively(folder);
            }
        }
        return rows;
    }

    /** Log-probabilities [batch × positions × vocab] per batch, batched as {@link ModelEvaluation} does. */
    private static List<float[]> logProbabilities(LlamaBlock block, List<Encoded> examples, NDManager manager) {
        ModelEngine.stopRecordingGradients();
        List<float[]> batches = new ArrayList<>();
        for (int start = 0; start < examples.size(); start += BATCH_SIZE) {
            LlamaTrainer.MicroBatch padded = TrainingExamples.pad(
                    examples.subList(start, Math.min(examples.size(), start + BATCH_SIZE)));
            try (NDManager step = manager.newSubManager()) {
                LlamaTrainer.Batch batch = LlamaTrainer.Batch.of(step, padded.tokens(), padded.trainable());
                batches.add(block.forward(new ai.djl.training.ParameterStore(step, false),
                        new ai.djl.ndarray.NDList(batch.inputs()), false).singletonOrThrow().logSoftmax(-1)
                        .toFloatArray());
            }
        }
        return batches;
    }

    /** Mean over reply tokens of KL(float ‖ quantized) = Σ p (log p − log q). */
    private static double meanKl(List<float[]> reference, List<float[]> quantized, List<Encoded> examples) {
        int vocab = ByteTokenizer.VOCAB_SIZE;
        double sum = 0;
        long positions = 0;
        for (int b = 0, start = 0; start < examples.size(); b++, start += BATCH_SIZE) {
            LlamaTrainer.MicroBatch padded = TrainingExamples.pad(
                    examples.subList(start, Math.min(examples.size(), start + BATCH_SIZE)));
            int columns = padded.tokens()[0].length - 1;
            float[] p = reference.get(b);
            float[] q = quantized.get(b);
            for (int r = 0; r < padded.tokens().length; r++) {
                for (int c = 0; c < columns; c++) {
                    if (!padded.trainable()[r][c + 1]) {
                        continue;
                    }
                    int at = (r * columns + c) * vocab;
                    double kl = 0;
                    for (int v = 0; v < vocab; v++) {
                        kl += Math.exp(p[at + v]) * (p[at + v] - q[at + v]);
                    }
                    sum += kl;
                    positions++;
                }
            }
        }
        return sum / positions;
    }

    /** Over the quantized (2-D) weights only: norm gains are stored exactly and would only dilute it. */
    private static double relativeError(LlamaConfig config, Map<String, float[]> original,
                                        Map<String, float[]> restored) {
        double error = 0;
        double norm = 0;
        for (Map.Entry<String, float[]> entry : original.entrySet()) {
            if (!WeightQuantization.quantizes(config.tensorShapes().get(entry.getKey()))) {
                continue;
            }
            float[] a = entry.getValue();
            float[] b = restored.get(entry.getKey());
            for (int i = 0; i < a.length; i++) {
                error += (double) (a[i] - b[i]) * (a[i] - b[i]);
                norm += (double) a[i] * a[i];
            }
        }
        return error / norm;
    }

    private static String label(WeightQuantization scheme) {
        return scheme.bits() == 8 ? "int8 per-channel"
                : "int4 g" + scheme.groupSize() + (scheme.symmetric() ? " sym" : " asym");
    }

    private static void print(List<Row> rows, List<String> notes, int tinySteps, int smallSteps, int threads) {
        System.out.println();
        System.out.println("=== Weight-only quantization (issue 7) ===");
        System.out.println("machine: " + Machine.nproc() + " CPUs (" + Machine.cpuModel() + "), " + Machine.memTotal()
                + ", Java " + System.getProperty("java.version") + ", load " + loadAverage());
        System.out.println("training: tiny " + tinySteps + " steps, small " + smallSteps + " steps, batch " + BATCH_SIZE
                + ", max length " + MAX_LENGTH + ", " + threads + " thread(s)");
        notes.forEach(System.out::println);
        System.out.println();
        System.out.println("| model | scheme | weights (bytes) | size vs float32 | size goal | validation perplexity"
                + " | Δ perplexity | Δ goal | next-token acc. | weight error | KL (nats) | quantize s | load s |");
        System.out.println("| --- | --- | ---: | ---: | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |");
        for (Row row : rows) {
            String sizeGoal = "";
            String changeGoal = "";
            if (row.scheme().startsWith("int8")) {
                sizeGoal = verdict(row.ratio() <= INT8_SIZE_GOAL, "≤ 0.27×");
                changeGoal = verdict(row.changePct() <= INT8_PERPLEXITY_GOAL_PCT, "≤ 1 %");
            } else if (row.scheme().startsWith("int4")) {
                if (row.scheme().startsWith("int4 g64")) {
                    sizeGoal = verdict(row.ratio() <= INT4_G64_SIZE_GOAL, "≤ 0.16×");
                }
                changeGoal = verdict(row.changePct() <= INT4_PERPLEXITY_GOAL_PCT, "≤ 5 %");
            }
            System.out.printf(Locale.ROOT, "| %s | %s | %d | %.4f× | %s | %.4f | %+.3f %% | %s | %.1f %% | %.2e |"
                            + " %.2e | %.2f | %.2f |%n", row.model(), row.scheme(), row.bytes(), row.ratio(), sizeGoal,
                    row.perplexity(), row.changePct(), changeGoal, 100 * row.accuracy(), row.weightError(), row.kl(),
                    row.quantizeSeconds(), row.loadSeconds());
        }
    }

    private static String verdict(boolean met, String goal) {
        return goal + (met ? " met" : " MISSED");
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void log(String message) {
        System.out.println("[quantization-bench] " + message);
        System.out.flush();
    }
}
