package dev.llmops.studio.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.llmops.studio.model.ByteTokenizer.Encoded;
import dev.llmops.studio.run.TaskContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The training loop of the Fine-tune step: shuffled epochs, accumulated micro-batches, warm-up and cosine decay,
 * validation every few steps with early stopping on the best validation loss, checkpoints a later attempt resumes
 * from, and every number streamed to the run page as it happens.
 */
final class FineTuning {

    static final String CHECKPOINT_FILE = "training-checkpoint.safetensors";
    /** An improvement smaller than this is noise, not progress, for early stopping. */
    private static final double MIN_IMPROVEMENT = 1e-4;
    private static final float MIN_LEARNING_RATE_RATIO = 0.1f;

    record Result(int steps, int totalSteps, boolean stoppedEarly, boolean cancelled, double firstValidationLoss,
                  double bestValidationLoss, int bestStep, double lastTrainLoss, long tokensSeen,
                  double trainingSeconds, int resumedFromStep) {
    }

    private final FineTuneSettings settings;
    private final TrainingExamples examples;
    private final LlamaBlock block;
    private final TaskContext context;
    private final NDManager manager;
    private final LlamaTrainer trainer;
    private final int stepsPerEpoch;
    private final int totalSteps;

    FineTuning(FineTuneSettings settings, TrainingExamples examples, LlamaBlock block, NDManager manager,
               TaskContext context) {
        this.settings = settings;
        this.examples = examples;
        this.block = block;
        this.context = context;
        this.manager = manager;
        this.stepsPerEpoch = ceilDiv(examples.train().size(), settings.effectiveBatchSize());
        this.totalSteps = settings.epochs() * stepsPerEpoch;
        WarmupCosine schedule = new WarmupCosine(settings.learningRate(), Math.min(settings.warmupSteps(), totalSteps),
                totalSteps, MIN_LEARNING_RATE_RATIO);
        this.trainer = new LlamaTrainer(block, manager, schedule, settings.weightDecay(), settings.maxGradientNorm());
    }

    int stepsPerEpoch() {
        return stepsPerEpoch;
    }

    int totalSteps() {
        return totalSteps;
    }

    Result run(TrainingCheckpoint resume) throws IOException {
        boolean validating = !examples.validation().isEmpty();
        double firstValidationLoss = Double.NaN;
        double bestValidationLoss = Double.NaN;
        int bestStep = 0;
        int evaluationsWithoutImprovement = 0;
        long tokensSeen = 0;
        double secondsBefore = 0;
        Map<String, float[]> bestWeights = Map.of();
        int firstStep = 1;
        if (resume != null) {
            restoreTrainable(resume.weights());
            trainer.restore(resume.step(), resume.optimizerState());
            bestWeights = resume.bestWeights();
            firstValidationLoss = resume.progress().firstValidationLoss();
            bestValidationLoss = resume.progress().bestValidationLoss();
            bestStep = resume.progress().bestStep();
            evaluationsWithoutImprovement = resume.progress().evaluationsWithoutImprovement();
            tokensSeen = resume.progress().tokensSeen();
            secondsBefore = resume.progress().trainingSeconds();
            firstStep = resume.step() + 1;
            context.log("resumed from step " + resume.step() + " of " + totalSteps + " (checkpoint of an earlier"
                    + " attempt): weights, optimiser state and validation history restored");
        } else if (validating) {
            firstValidationLoss = validationLoss();
            bestValidationLoss = firstValidationLoss;
            reportValidation(0, firstValidationLoss);
            context.log(String.format(Locale.ROOT, "before training: validation loss %.4f (perplexity %.1f)",
                    firstValidationLoss, Math.exp(firstValidationLoss)));
        }

        long attemptStart = System.nanoTime();
        long attemptTokens = 0;
        int logEvery = Math.max(1, totalSteps / 25);
        double lastTrainLoss = Double.NaN;
        int step = firstStep - 1;
        boolean stoppedEarly = false;
        int[] order = null;
        int orderEpoch = -1;
        while (step < totalSteps) {
            if (context.cancelRequested()) {
                context.log("stopped at step " + step + ": cancellation requested");
                return new Result(step, totalSteps, false, true, firstValidationLoss, bestValidationLoss, bestStep,
                        lastTrainLoss, tokensSeen, secondsBefore + seconds(attemptStart),
                        resume == null ? 0 : resume.step());
            }
            step++;
            int epoch = (step - 1) / stepsPerEpoch;
            if (epoch != orderEpoch) {
                order = TrainingExamples.epochOrder(examples.train().size(), settings.seed(), epoch);
                orderEpoch = epoch;
            }
            List<LlamaTrainer.MicroBatch> microBatches = new ArrayList<>();
            long stepTokens = batchesOf(order, (step - 1) % stepsPerEpoch, microBatches);
            LlamaTrainer.StepResult result = trainer.step(microBatches);
            lastTrainLoss = result.loss();
            tokensSeen += stepTokens;
            attemptTokens += stepTokens;
            double elapsed = seconds(attemptStart);
            double tokensPerSecond = attemptTokens / Math.max(elapsed, 1e-9);
            double secondsPerStep = elapsed / (step - firstStep + 1);
            double eta = secondsPerStep * (totalSteps - step);
            context.metric("train_loss", step, result.loss());
            context.metric("learning_rate", step, result.learningRate());
            context.metric("tokens_per_s", step, tokensPerSecond);
            context.metric("eta_s", step, eta);
            context.progress((double) step / totalSteps);

            boolean evaluate = validating && (step % settings.evalEvery() == 0 || step == totalSteps);
            double loss = Double.NaN;
            if (evaluate) {
                loss = validationLoss();
                reportValidation(step, loss);
                if (Double.isNaN(bestValidationLoss) || loss < bestValidationLoss - MIN_IMPROVEMENT) {
                    bestValidationLoss = loss;
                    bestStep = step;
                    evaluationsWithoutImprovement = 0;
                    bestWeights = trainableWeights();
                } else {
                    evaluationsWithoutImprovement++;
                }
            }
            if (step % logEvery == 0 || step == totalSteps || evaluate) {
                context.log(String.format(Locale.ROOT, "step %d/%d · epoch %d/%d · loss %.4f%s · lr %.2e · "
                                + "%.0f tokens/s · ETA %s", step, totalSteps, epoch + 1, settings.epochs(),
                        result.loss(), evaluate ? " · validation " + format(loss) : "",
                        result.learningRate(), tokensPerSecond, duration(eta)));
            }
            if (evaluate && settings.earlyStoppingPatience() > 0
                    && evaluationsWithoutImprovement >= settings.earlyStoppingPatience() && step < totalSteps) {
                context.log("early stopping at step " + step + ": validation loss has not improved for "
                        + evaluationsWithoutImprovement + " evaluations (best " + format(bestValidationLoss)
                        + " at step " + bestStep + ")");
                stoppedEarly = true;
                break;
            }
            if (step % settings.checkpointEvery() == 0 && step < totalSteps) {
                saveCheckpoint(step, bestWeights, new TrainingCheckpoint.Progress(firstValidationLoss,
                        bestValidationLoss, bestStep, evaluationsWithoutImprovement, tokensSeen,
                        secondsBefore + seconds(attemptStart)));
            }
        }
        if (!bestWeights.isEmpty() && bestStep != step) {
            restoreTrainable(bestWeights);
            context.log("keeping the weights of step " + bestStep + ", which had the best validation loss ("
                    + format(bestValidationLoss) + ")");
        }
        return new Result(step, totalSteps, stoppedEarly, false, firstValidationLoss, bestValidationLoss, bestStep,
                lastTrainLoss, tokensSeen, secondsBefore + seconds(attemptStart), resume == null ? 0 : resume.step());
    }

    /** Fills the micro-batches of one step; returns the number of real (non-padding) tokens in them. */
    private long batchesOf(int[] order, int stepInEpoch, List<LlamaTrainer.MicroBatch> into) {
        int from = stepInEpoch * settings.effectiveBatchSize();
        int to = Math.min(order.length, from + settings.effectiveBatchSize());
        long tokens = 0;
        for (int start = from; start < to; start += settings.batchSize()) {
            List<Encoded> batch = new ArrayList<>();
            for (int i = start; i < Math.min(to, start + settings.batchSize()); i++) {
                Encoded example = examples.train().get(order[i]);
                batch.add(example);
                tokens += example.ids().length;
            }
            into.add(TrainingExamples.pad(batch));
        }
        return tokens;
    }

    /** Mean loss per reply token over the whole validation split, as the Evaluate step computes it. */
    double validationLoss() {
        return ModelEvaluation.score(block, examples.validation(), settings.batchSize(), manager).loss();
    }

    private void reportValidation(int step, double loss) {
        context.metric("val_loss", step, loss);
        context.metric("perplexity", step, Math.exp(loss));
    }

    private void saveCheckpoint(int step, Map<String, float[]> bestWeights, TrainingCheckpoint.Progress progress)
            throws IOException {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        trainableArrays().forEach((name, array) -> shapes.put(name, intShape(array)));
        Path file = context.checkpointDir().resolve(CHECKPOINT_FILE);
        new TrainingCheckpoint(step, trainableWeights(), bestWeights, trainer.optimizerState(), progress)
                .save(file, shapes);
        context.saveCheckpoint(file);
        context.log("checkpoint saved at step " + step);
    }

    private Map<String, NDArray> trainableArrays() {
        return block.lora() == null ? block.parametersByHfName() : block.adaptersByPeftName();
    }

    private Map<String, float[]> trainableWeights() {
        Map<String, float[]> weights = new LinkedHashMap<>();
        trainableArrays().forEach((name, array) -> weights.put(name, array.toFloatArray()));
        return weights;
    }

    private void restoreTrainable(Map<String, float[]> weights) {
        if (block.lora() == null) {
            block.load(weights);
        } else {
            block.loadAdapters(weights);
        }
    }

    private static int[] intShape(NDArray array) {
        long[] dims = array.getShape().getShape();
        int[] shape = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            shape[i] = Math.toIntExact(dims[i]);
        }
        return shape;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    static String format(double loss) {
        return String.format(Locale.ROOT, "%.4f", loss);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min " + s % 60 + " s";
        }
        return s / 3600 + " h " + (s % 3600) / 60 + " min";
    }
}
