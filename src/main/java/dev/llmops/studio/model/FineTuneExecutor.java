package dev.llmops.studio.model;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmops.studio.model.FineTuneSettings.Method;
import dev.llmops.studio.run.NodeExecutor;
import dev.llmops.studio.run.StepSettingsException;
import dev.llmops.studio.run.TaskContext;
import dev.llmops.studio.run.WorkerComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * The Fine-tune step: trains a preset from scratch, or a base model (full or LoRA), on a dataset version, and
 * outputs the trained model as a MODEL artifact ({@link ModelPackage}). Runs on any worker; a retried attempt,
 * on any worker, resumes from the last checkpoint.
 */
@WorkerComponent
class FineTuneExecutor implements NodeExecutor {

    @Override
    public String nodeType() {
        return "fine-tune";
    }

    @Override
    public void execute(TaskContext context) throws Exception {
        FineTuneSettings settings;
        try {
            settings = FineTuneSettings.fromParams(context.params());
        } catch (IllegalArgumentException e) {
            throw new StepSettingsException(e.getMessage());
        }
        boolean hasBase = context.inputs().containsKey("baseModel");
        if (settings.method() == Method.FROM_SCRATCH && hasBase) {
            throw new StepSettingsException("method from-scratch trains new weights: disconnect the base model,"
                    + " or choose full or lora to fine-tune it");
        }
        if (settings.method() != Method.FROM_SCRATCH && !hasBase) {
            throw new StepSettingsException("method " + settings.method().name().toLowerCase(Locale.ROOT)
                    + " fine-tunes a base model: connect one to “Base model”, or choose from-scratch");
        }
        ModelEngine.prepareThread(context.cpuThreads());
        Path work = Files.createDirectories(context.checkpointDir().resolve("fine-tune"));
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed((int) settings.seed());
            LlamaBlock block;
            ObjectNode base = null;
            if (hasBase) {
                Path folder = work.resolve("base");
                ModelPackage.deleteRecursively(folder);
                base = ModelPackage.unpack(context.input("baseModel"), folder);
                if (!ModelPackage.BYTE_TOKENIZER.equals(base.path("tokenizer").asText())) {
                    throw new StepSettingsException("the base model uses the tokenizer “"
                            + base.path("tokenizer").asText() + "”; fine-tuning supports the studio's byte-level"
                            + " tokenizer only so far");
                }
                block = ModelPackage.load(folder, settings.lora(), manager);
            } else {
                block = LlamaBlock.create(settings.presetShape(), null, manager);
            }
            int maxLength = Math.min(settings.maxLength(), block.shape().maxPositions());
            TrainingExamples examples = TrainingExamples.read(context.input("dataset"), new ByteTokenizer(), maxLength);
            FineTuning training = new FineTuning(settings, examples, block, manager, context);
            context.log(describe(settings, block, examples, training, maxLength, context.cpuThreads()));

            Optional<Path> checkpoint = context.resumeFrom();
            TrainingCheckpoint resume = checkpoint.isPresent() ? TrainingCheckpoint.load(checkpoint.get()) : null;
            FineTuning.Result result = training.run(resume);
            if (result.cancelled()) {
                return;
            }
            ObjectNode metadata = metadata(context, settings, base, examples, result);
            Path zip = work.resolve("model.zip");
            Files.deleteIfExists(zip);
            ModelPackage.write(block, metadata, zip);
            context.output("model", zip);
            context.log(String.format(Locale.ROOT, "model written: %.2f M parameters, %.1f MB; validation loss %s"
                            + " → %s in %s", block.parameterCount() / 1e6, Files.size(zip) / 1e6,
                    FineTuning.format(result.firstValidationLoss()), FineTuning.format(result.bestValidationLoss()),
                    FineTuning.duration(result.trainingSeconds())));
            Files.deleteIfExists(zip);
        }
    }

    private static String describe(FineTuneSettings settings, LlamaBlock block, TrainingExamples examples,
                                   FineTuning training, int maxLength, int threads) {
        String what = switch (settings.method()) {
            case FROM_SCRATCH -> "training a " + settings.preset() + " model from scratch";
            case FULL -> "fine-tuning every weight of the base model";
            case LORA -> "fine-tuning LoRA adapters (rank " + settings.lora().rank() + ", alpha "
                    + settings.lora().alpha() + ", on " + String.join(", ", settings.lora().targetModules().stream()
                    .sorted().toList()) + ") on the frozen base model";
        };
        StringBuilder line = new StringBuilder(what).append(String.format(Locale.ROOT,
                ": %.2f M parameters, %.2f M trainable; %d training and %d validation examples",
                block.parameterCount() / 1e6, block.trainableParameterCount() / 1e6, examples.train().size(),
                examples.validation().size()));
        line.append(String.format(Locale.ROOT, "; %d epochs × %d steps = %d steps of %d examples", settings.epochs(),
                training.stepsPerEpoch(), training.totalSteps(), settings.effectiveBatchSize()));
        if (settings.gradientAccumulation() > 1) {
            line.append(" (").append(settings.gradientAccumulation()).append(" micro-batches of ")
                    .append(settings.batchSize()).append(")");
        }
        line.append("; ").append(threads).append(threads == 1 ? " CPU thread" : " CPU threads");
        if (examples.truncated() > 0) {
            line.append("; ").append(examples.truncated()).append(" examples cut to ").append(maxLength)
                    .append(" tokens");
        }
        if (examples.skipped() > 0) {
            line.append("; ").append(examples.skipped()).append(" skipped (no reply within ").append(maxLength)
                    .append(" tokens)");
        }
        if (examples.validation().isEmpty()) {
            line.append("; no validation examples, so no validation loss and no early stopping");
        }
        return line.toString();
    }

    private static ObjectNode metadata(TaskContext context, FineTuneSettings settings, ObjectNode base,
                                       TrainingExamples examples, FineTuning.Result result) {
        ObjectNode metadata = ModelPackage.newMetadata();
        metadata.put("createdAt", Instant.now().toString());
        metadata.put("method", settings.method().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        if (settings.method() == Method.FROM_SCRATCH) {
            metadata.put("preset", settings.preset());
        }
        ObjectNode lineage = metadata.putObject("lineage");
        lineage.put("runId", context.runId()).put("step", context.nodeId()).put("attempt", context.attempt())
                .put("dataset", context.inputs().get("dataset"));
        if (base != null) {
            lineage.put("baseModel", context.inputs().get("baseModel"));
        }
        ObjectNode params = metadata.putObject("training");
        params.put("epochs", settings.epochs()).put("learningRate", settings.learningRate())
                .put("batchSize", settings.batchSize()).put("gradientAccumulation", settings.gradientAccumulation())
                .put("maxLength", settings.maxLength()).put("warmupSteps", settings.warmupSteps())
                .put("weightDecay", settings.weightDecay()).put("maxGradNorm", settings.maxGradientNorm())
                .put("evalEvery", settings.evalEvery()).put("earlyStoppingPatience", settings.earlyStoppingPatience())
                .put("seed", settings.seed()).put("optimizer", "adamw").put("schedule", "warmup-cosine");
        if (settings.lora() != null) {
            params.put("loraRank", settings.lora().rank()).put("loraAlpha", settings.lora().alpha())
                    .put("loraDropout", settings.lora().dropout())
                    .put("loraTargets", String.join(",", settings.lora().targetModules().stream().sorted().toList()));
        }
        ObjectNode outcome = metadata.putObject("result");
        outcome.put("steps", result.steps()).put("plannedSteps", result.totalSteps())
                .put("stoppedEarly", result.stoppedEarly()).put("trainExamples", examples.train().size())
                .put("validationExamples", examples.validation().size()).put("tokensSeen", result.tokensSeen())
                .put("trainingSeconds", result.trainingSeconds()).put("lastTrainLoss", result.lastTrainLoss())
                .put("resumedFromStep", result.resumedFromStep());
        if (!Double.isNaN(result.bestValidationLoss())) {
            outcome.put("firstValidationLoss", result.firstValidationLoss())
                    .put("validationLoss", result.bestValidationLoss()).put("bestStep", result.bestStep())
                    .put("perplexity", Math.exp(result.bestValidationLoss()));
        }
        return metadata;
    }

    @Override
    public int maxAttempts() {
        return 3;
    }

    @Override
    public Duration timeout() {
        return Duration.ofHours(12);
    }
}
