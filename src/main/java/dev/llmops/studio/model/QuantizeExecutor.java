package dev.llmops.studio.model;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmops.studio.model.ByteTokenizer.Encoded;
import dev.llmops.studio.run.NodeExecutor;
import dev.llmops.studio.run.StepSettingsException;
import dev.llmops.studio.run.TaskContext;
import dev.llmops.studio.run.WorkerComponent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Quantize step: a model package in, the same model with its 2-D weights stored as int8 (per output channel)
 * or int4 (group-wise) out, in the layout {@link WeightQuantization} describes; the metadata gains a
 * {@code quantization} object with the scheme and the weight-file sizes before and after. With a dataset on the
 * optional “Validation data” port, the validation split is scored with the float and the quantized weights,
 * and both perplexities and the relative change are reported (run metrics, log, metadata).
 */
@WorkerComponent
class QuantizeExecutor implements NodeExecutor {

    /**
     * int4 groups get a zero point (asymmetric). Measured on the demo models (bench/quantization.sh,
     * docs/benchmarks.md): at every group size asymmetric groups had 20-25 % less weight error, and the quantized
     * validation perplexity was lower than with symmetric groups in 4 of the 6 model × group-size cases (group 64:
     * +0.69 % against +0.76 % on the tiny model, +0.57 % against +0.53 % on the small one). The zero points cost one
     * byte per group: 0.145× instead of 0.141× of the float32 file at group size 64.
     */
    static final boolean INT4_SYMMETRIC = false;
    /** As the Evaluate step's default: enough for a stable perplexity, bounded time on a large split. */
    static final int MAX_VALIDATION_EXAMPLES = 500;
    private static final int BATCH_SIZE = 8;

    @Override
    public String nodeType() {
        return "quantize";
    }

    @Override
    public void execute(TaskContext context) throws Exception {
        WeightQuantization quantization = quantization(context.params());
        boolean measure = context.inputs().containsKey("dataset");
        ModelEngine.prepareThread(context.cpuThreads());
        Path work = Files.createDirectories(context.checkpointDir().resolve("quantize"));
        Path source = work.resolve("input");
        Path target = work.resolve("output");
        ModelPackage.deleteRecursively(source);
        ModelPackage.deleteRecursively(target);
        try {
            ObjectNode metadata = ModelPackage.unpack(context.input("model"), source);
            refuseQuantized(metadata);
            if (measure && !ModelPackage.BYTE_TOKENIZER.equals(metadata.path("tokenizer").asText())) {
                throw new StepSettingsException("measuring perplexity needs the studio's byte-level tokenizer, but"
                        + " the model uses “" + metadata.path("tokenizer").asText() + "”: disconnect “Validation"
                        + " data” to quantize without the measurement");
            }
            LlamaConfig config;
            Map<String, float[]> weights;
            try (CheckpointReader checkpoint = CheckpointReader.open(source)) {
                if (checkpoint.quantization() != null) {
                    throw new StepSettingsException("the model's weights are already quantized ("
                            + checkpoint.quantization() + "); connect the float model instead");
                }
                config = checkpoint.config();
                weights = checkpoint.readWeights();
            }
            context.progress(0.1);
            if (Files.exists(source.resolve(ModelPackage.ADAPTER_WEIGHTS))) {
                context.log("LoRA adapter files left out: the quantized weights already contain the adapters");
            }
            ModelPackage.writeQuantizedFolder(source, config, weights, quantization, target);
            long sizeBefore = ModelPackage.weightBytes(source);
            long sizeAfter = ModelPackage.weightBytes(target);
            double ratio = (double) sizeAfter / sizeBefore;
            context.log(String.format(Locale.ROOT, "quantized %.2f M parameters to %s: weights %s → %s (%.3f×,"
                            + " %.1f× smaller)", config.parameterCount() / 1e6, quantization, megabytes(sizeBefore),
                    megabytes(sizeAfter), ratio, 1 / ratio));
            context.progress(0.4);

            ObjectNode described = metadata.deepCopy();
            ObjectNode summary = described.putObject("quantization");
            summary.put("scheme", quantization.scheme()).put("bits", quantization.bits());
            if (quantization.bits() == 8) {
                summary.putNull("groupSize").put("granularity", "per-output-channel");
            } else {
                summary.put("groupSize", quantization.groupSize()).put("granularity", "group");
            }
            summary.put("symmetric", quantization.symmetric()).put("method", WeightQuantization.METHOD)
                    .put("sizeBefore", sizeBefore).put("sizeAfter", sizeAfter).put("ratio", ratio)
                    .put("sourceModel", context.inputs().get("model")).put("quantizedAt", Instant.now().toString())
                    .put("runId", context.runId()).put("step", context.nodeId());
            if (measure) {
                if (context.cancelRequested()) {
                    context.log("stopped before measuring perplexity: cancellation requested");
                    return;
                }
                measurePerplexity(context, config, weights, target, summary);
            } else {
                context.log("no validation data connected: perplexity not measured");
            }
            if (context.cancelRequested()) {
                context.log("stopped before writing the model: cancellation requested");
                return;
            }
            ModelPackage.writeMetadata(target, described);
            Path zip = work.resolve("model.zip");
            Files.deleteIfExists(zip);
            ModelPackage.zip(target, zip);
            context.output("model", zip);
            context.log(String.format(Locale.ROOT, "model package written: %s", megabytes(Files.size(zip))));
            Files.deleteIfExists(zip);
            context.progress(1.0);
        } finally {
            ModelPackage.deleteRecursively(source);
            ModelPackage.deleteRecursively(target);
        }
    }

    /**
     * Scores the validation split with the float weights and with the quantized ones as they load from the
     * written checkpoint, so the figure covers the whole store-and-load path.
     */
    private static void measurePerplexity(TaskContext context, LlamaConfig config, Map<String, float[]> weights,
                                          Path quantizedFolder, ObjectNode summary) throws IOException {
        LlamaShape shape = LlamaShape.fromConfig(config);
        List<Encoded> validation = TrainingExamples.read(context.input("dataset"), new ByteTokenizer(),
                shape.maxPositions(), false).validation();
        if (validation.isEmpty()) {
            throw new StepSettingsException("the dataset version has no validation examples to measure perplexity"
                    + " on: connect a version with a validation share, or disconnect “Validation data”");
        }
        List<Encoded> scored = validation.subList(0, Math.min(MAX_VALIDATION_EXAMPLES, validation.size()));
        context.log("scoring " + scored.size() + (scored.size() < validation.size() ? " of " + validation.size() : "")
                + " validation examples with the float and the quantized weights");
        ModelEvaluation.Scores before;
        ModelEvaluation.Scores after;
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaBlock block = LlamaBlock.create(shape, manager);
            block.load(weights);
            before = ModelEvaluation.score(block, scored, BATCH_SIZE, manager);
            context.progress(0.7);
            try (CheckpointReader quantized = CheckpointReader.open(quantizedFolder)) {
                block.load(quantized.readWeights());
            }
            after = ModelEvaluation.score(block, scored, BATCH_SIZE, manager);
        }
        double changePct = 100 * (after.perplexity() / before.perplexity() - 1);
        context.metric("perplexity_fp32", 0, before.perplexity());
        context.metric("perplexity_quantized", 0, after.perplexity());
        context.metric("perplexity_change_pct", 0, changePct);
        context.log(String.format(Locale.ROOT, "validation perplexity %.4f (float) → %.4f (quantized): %+.3f %%"
                + " over %d reply tokens", before.perplexity(), after.perplexity(), changePct, before.tokens()));
        summary.put("validationDataset", context.inputs().get("dataset"))
                .put("validationExamples", before.examples()).put("validationTokens", before.tokens())
                .put("perplexityFp32", before.perplexity()).put("perplexityQuantized", after.perplexity())
                .put("perplexityChangePct", changePct)
                .put("nextTokenAccuracyFp32", before.nextTokenAccuracy())
                .put("nextTokenAccuracyQuantized", after.nextTokenAccuracy());
        context.progress(0.95);
    }

    /** The scheme the step's parameters ask for; the catalog's choices are checked again for API callers. */
    static WeightQuantization quantization(Map<String, Object> params) {
        String scheme = String.valueOf(params.getOrDefault("scheme", "int8")).trim().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "int8":
                return WeightQuantization.int8();
            case "int4":
                Object value = params.getOrDefault("groupSize", "64");
                String text = value == null ? "64" : value.toString().trim();
                double groupSize;
                try {
                    groupSize = text.isEmpty() ? 64 : Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    groupSize = Double.NaN;
                }
                if (groupSize != 32 && groupSize != 64 && groupSize != 128) {
                    throw new StepSettingsException("group size must be 32, 64 or 128, got “" + text + "”");
                }
                return WeightQuantization.int4((int) groupSize, INT4_SYMMETRIC);
            default:
                throw new StepSettingsException("scheme must be int8 or int4, got “" + scheme + "”");
        }
    }

    private static void refuseQuantized(ObjectNode metadata) {
        if (metadata.hasNonNull("quantization")) {
            throw new StepSettingsException("the model is already quantized ("
                    + metadata.path("quantization").path("scheme").asText("unknown scheme")
                    + "); quantizing it again would only add error: connect the float model instead");
        }
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.2f MB", bytes / 1e6);
    }

    @Override
    public Duration timeout() {
        return Duration.ofHours(2);
    }
}
