package dev.llmops.studio.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.List;

/**
 * Next-token training: cross-entropy over the positions marked trainable, global-norm gradient clipping, AdamW.
 * As in HF's Trainer, the RMSNorm gains get no weight decay, which would only pull them towards zero.
 */
final class LlamaTrainer {

    /** The loss before the update and the gradient norm before clipping. */
    record StepResult(float loss, float gradientNorm) {
    }

    private final LlamaBlock block;
    private final NDManager manager;
    private final ParameterStore parameters;
    private final Optimizer decayed;
    private final Optimizer undecayed;
    private final float maxGradientNorm;

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
        this.decayed = Optimizer.adamW().optLearningRateTracker(learningRate)
                .optWeightDecays(weightDecay).build();
        this.undecayed = Optimizer.adamW().optLearningRateTracker(learningRate)
                .optWeightDecays(0f).build();
        this.maxGradientNorm = maxGradientNorm;
    }

    /**
     * One optimisation step on a batch of equally long sequences. Position t+1 is predicted from positions 0..t
     * and counts in the loss only where {@code trainable} is true at t+1 (see {@link ByteTokenizer.Encoded}).
     */
    StepResult step(int[][] tokens, boolean[][] trainable) {
        try (NDManager step = manager.newSubManager()) {
            Batch batch = Batch.of(step, tokens, trainable);
            float loss;
            try (GradientCollector collector = step.getEngine().newGradientCollector()) {
                NDArray value = loss(batch, true);
                collector.backward(value);
                loss = value.getFloat();
            }
            List<Parameter> trained = new ArrayList<>();
            List<NDArray> gradients = new ArrayList<>();
            for (Parameter parameter : block.getParameters().values()) {
                if (parameter.requiresGradient()) {
                    NDArray gradient = parameter.getArray().getGradient();
                    // each call wraps the gradient anew, in the weights' manager: free the wrapper with the step
                    gradient.attach(step);
                    trained.add(parameter);
                    gradients.add(gradient);
                }
            }
            float norm = clip(gradients);
            for (int i = 0; i < trained.size(); i++) {
                Parameter parameter = trained.get(i);
                Optimizer optimizer = parameter.getType() == Parameter.Type.GAMMA ? undecayed : decayed;
                // the PyTorch engine zeroes the gradient after the update, ready for the next backward
                optimizer.update(parameter.getId(), parameter.getArray(), gradients.get(i));
            }
            return new StepResult(loss, norm);
        }
    }

    /** The same loss as {@link #step} without gradients or an update: for validation. */
    float loss(int[][] tokens, boolean[][] trainable) {
        try (NDManager step = manager.newSubManager()) {
            return loss(Batch.of(step, tokens, trainable), false).getFloat();
        }
    }

    private NDArray loss(Batch batch, boolean training) {
        NDArray logits = block.forward(parameters, new NDList(batch.inputs()), training).singletonOrThrow();
        NDArray negativeLogLikelihood = logits.logSoftmax(-1)
                .gather(batch.targets().expandDims(-1), -1).squeeze(-1).neg();
        return negativeLogLikelihood.mul(batch.weights()).sum().div(batch.count());
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

    private record Batch(NDArray inputs, NDArray targets, NDArray weights, float count) {

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
