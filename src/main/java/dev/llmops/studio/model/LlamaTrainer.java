package dev.llmops.studio.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Next-token training: cross-entropy over the positions marked trainable, gradient accumulation over
 * micro-batches, global-norm gradient clipping, AdamW. As in HF's Trainer, the RMSNorm gains get no weight decay,
 * which would only pull them towards zero. Frozen parameters (the base weights under LoRA) are never touched.
 */
final class LlamaTrainer {

    /** The loss before the update, the gradient norm before clipping and the learning rate used. */
    record StepResult(float loss, float gradientNorm, float learningRate) {
    }

    /** Sequences of one length with, per position, whether it counts in the loss (see {@link ByteTokenizer.Encoded}). */
    record MicroBatch(int[][] tokens, boolean[][] trainable) {
    }

    /**
     * DJL's PyTorch engine allows one gradient collector per JVM at a time; two trainings on one worker take turns
     * per micro-batch instead of failing.
     */
    private static final ReentrantLock COLLECTING = new ReentrantLock();
    private static final int MAX_SKIPPED_IN_A_ROW = 3;

    private final LlamaBlock block;
    private final NDManager manager;
    private final ParameterStore parameters;
    private final AdamW optimizer;
    private final Tracker learningRate;
    private final float weightDecay;
    private final float maxGradientNorm;
    private int stepsDone;
    private int skippedInARow;

    /**
     * {@code manager} holds the model's weights; each step works in a child of it. {@code learningRate} is a DJL
     * tracker: {@code Tracker.fixed(lr)}, or {@link WarmupCosine} for fine-tuning.
     */
    LlamaTrainer(LlamaBlock block, NDManager manager, Tracker learningRate, float weightDecay, float maxGradientNorm) {
        if (!(maxGradientNorm > 0)) {
            throw new IllegalArgumentException("maxGradientNorm must be positive");
        }
        this.block = block;
        this.manager = manager;
        this.parameters = new ParameterStore(manager, false);
        this.optimizer = new AdamW(manager);
        this.learningRate = learningRate;
        this.weightDecay = weightDecay;
        this.maxGradientNorm = maxGradientNorm;
    }

    /** One optimisation step on one batch of equally long sequences. */
    StepResult step(int[][] tokens, boolean[][] trainable) {
        return step(List.of(new MicroBatch(tokens, trainable)));
    }

    /**
     * One optimisation step over several micro-batches, one forward and backward each, so a large batch fits in
     * memory. Gradients add up across them and the loss is normalised by all trainable positions together, so
     * the update equals that of one batch holding every sequence. Position t+1 is predicted from positions 0..t
     * and counts only where {@code trainable} is true at t+1.
     */
    StepResult step(List<MicroBatch> microBatches) {
        if (microBatches.isEmpty()) {
            throw new IllegalArgumentException("a step needs at least one micro-batch");
        }
        try (NDManager step = manager.newSubManager()) {
            List<Batch> batches = new ArrayList<>();
            float positions = 0;
            for (MicroBatch micro : microBatches) {
                Batch batch = Batch.of(step, micro.tokens(), micro.trainable());
                batches.add(batch);
                positions += batch.count();
            }
            List<Parameter> trained = new ArrayList<>();
            for (Parameter parameter : block.getParameters().values()) {
                if (parameter.requiresGradient()) {
                    trained.add(parameter);
                }
            }
            double loss = 0;
            for (Batch batch : batches) {
                // PyTorch adds each backward's gradients to those already there until the update consumes them
                COLLECTING.lock();
                try (GradientCollector collector = step.getEngine().newGradientCollector()) {
                    NDArray value = summedLoss(batch, true).div(positions);
                    collector.backward(value);
                    loss += value.getFloat();
                } finally {
                    COLLECTING.unlock();
                }
            }
            if (!Double.isFinite(loss)) {
                throw new TrainingDivergedException("the training loss became " + loss + " at step "
                        + (stepsDone + 1) + "; lower the learning rate or keep gradient clipping on");
            }
            ModelEngine.stopRecordingGradients();
            List<NDArray> gradients = new ArrayList<>();
            for (Parameter parameter : trained) {
                NDArray gradient = parameter.getArray().getGradient();
                // each call wraps the gradient anew, in the weights' manager: free the wrapper with the step
                gradient.attach(step);
                gradients.add(gradient);
            }
            float norm = clip(gradients);
            stepsDone++;
            float rate = learningRate.getNewValue(stepsDone);
            boolean finite = Float.isFinite(norm);
            skippedInARow = finite ? 0 : skippedInARow + 1;
            if (skippedInARow > MAX_SKIPPED_IN_A_ROW) {
                throw new TrainingDivergedException("the gradients were not finite " + skippedInARow
                        + " steps in a row (step " + stepsDone + "); lower the learning rate");
            }
            for (int i = 0; i < trained.size(); i++) {
                Parameter parameter = trained.get(i);
                float decay = parameter.getType() == Parameter.Type.GAMMA ? 0f : weightDecay;
                if (finite) {
                    // one overflowing batch must not turn every weight into NaN: such a step is skipped, as
                    // mixed-precision loss scaling does
                    optimizer.update(parameter.getName(), parameter.getArray(), gradients.get(i), rate, decay,
                            stepsDone);
                }
                // the wrapper shares the parameter's .grad: clear it for the next step's first backward
                gradients.get(i).set(new NDIndex("..."), 0);
            }
            return new StepResult((float) loss, norm, rate);
        }
    }

    /** The same loss as {@link #step} without gradients or an update: for validation. */
    float loss(int[][] tokens, boolean[][] trainable) {
        ModelEngine.stopRecordingGradients();
        try (NDManager step = manager.newSubManager()) {
            Batch batch = Batch.of(step, tokens, trainable);
            return summedLoss(batch, false).getFloat() / batch.count();
        }
    }

    /** Optimiser steps taken, including those restored from a checkpoint. */
    int stepsDone() {
        return stepsDone;
    }

    /** The optimiser's moment estimates, for a checkpoint. */
    Map<String, float[]> optimizerState() {
        return optimizer.state();
    }

    /** Continues after {@code steps} steps with the optimiser state a checkpoint saved. */
    void restore(int steps, Map<String, float[]> optimizerState) {
        Map<String, Shape> shapes = new HashMap<>();
        block.getParameters().values().forEach(p -> shapes.put(p.getName(), p.getShape()));
        optimizer.restore(optimizerState, shapes);
        stepsDone = steps;
    }

    private NDArray summedLoss(Batch batch, boolean training) {
        NDArray logits = block.forward(parameters, new NDList(batch.inputs()), training).singletonOrThrow();
        NDArray negativeLogLikelihood = logits.logSoftmax(-1)
                .gather(batch.targets().expandDims(-1), -1).squeeze(-1).neg();
        return negativeLogLikelihood.mul(batch.weights()).sum();
    }

    /** Scales all gradients together so their global L2 norm is at most the limit; returns the norm before. */
    private float clip(List<NDArray> gradients) {
        double squares = 0;
        for (NDArray gradient : gradients) {
            squares += gradient.square().sum().getFloat();
        }
        float norm = (float) Math.sqrt(squares);
        if (norm > maxGradientNorm) {
            float scale = maxGradientNorm / (norm + 1e-6f);
            gradients.forEach(gradient -> gradient.muli(scale));
        }
        return norm;
    }

    /** Inputs, next-token targets and 0/1 loss weights [B, T-1] of padded sequences. */
    record Batch(NDArray inputs, NDArray targets, NDArray weights, float count) {

        static Batch of(NDManager manager, int[][] tokens, boolean[][] trainable) {
            int rows = tokens.length;
            if (rows == 0 || trainable.length != rows) {
                throw new IllegalArgumentException("need one trainable mask per sequence and at least one sequence");
            }
            int columns = tokens[0].length - 1;
            if (columns < 1) {
                throw new IllegalArgumentException("sequences need at least two tokens");
            }
            long[] inputs = new long[rows * columns];
            long[] targets = new long[rows * columns];
            float[] weights = new float[rows * columns];
            int count = 0;
            for (int r = 0; r < rows; r++) {
                if (tokens[r].length != columns + 1 || trainable[r].length != columns + 1) {
                    throw new IllegalArgumentException("sequence " + r + " differs in length from the first");
                }
                for (int c = 0; c < columns; c++) {
                    inputs[r * columns + c] = tokens[r][c];
                    targets[r * columns + c] = tokens[r][c + 1];
                    if (trainable[r][c + 1]) {
                        weights[r * columns + c] = 1f;
                        count++;
                    }
                }
            }
            if (count == 0) {
                throw new IllegalArgumentException("no trainable position in the batch");
            }
            Shape shape = new Shape(rows, columns);
            return new Batch(manager.create(inputs, shape), manager.create(targets, shape),
                    manager.create(weights, shape), count);
        }
    }
}
