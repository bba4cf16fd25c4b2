package dev.llmops.studio.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW with decoupled weight decay, as PyTorch's {@code torch.optim.AdamW}. Written here rather than taken from
 * DJL because DJL's optimisers keep their moment estimates private: a training checkpoint must carry them, or a
 * resumed run restarts the optimiser cold and its loss jumps.
 */
final class AdamW {

    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final NDManager stateManager;
    private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
    private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();

    /** {@code stateManager} holds the moment estimates for as long as training runs (the weights' manager). */
    AdamW(NDManager stateManager) {
        this(stateManager, 0.9f, 0.999f, 1e-8f);
    }

    AdamW(NDManager stateManager, float beta1, float beta2, float epsilon) {
        this.stateManager = stateManager;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    /**
     * Updates {@code weight} in place for optimiser step {@code step} (counted from 1). Temporaries are attached
     * to the gradient's manager, the caller's per-step one, so nothing outlives the step but the moments.
     */
    void update(String name, NDArray weight, NDArray gradient, float learningRate, float weightDecay, int step) {
        NDManager scratch = gradient.getManager();
        NDArray m = firstMoments.computeIfAbsent(name, n -> stateManager.zeros(weight.getShape()));
        NDArray v = secondMoments.computeIfAbsent(name, n -> stateManager.zeros(weight.getShape()));
        m.muli(beta1).addi(gradient.mul(1 - beta1));
        v.muli(beta2).addi(gradient.square().muli(1 - beta2));
        double firstCorrection = 1 - Math.pow(beta1, step);
        double secondCorrection = 1 - Math.pow(beta2, step);

        NDArray denominator = v.sqrt();
        denominator.attach(scratch);
        denominator.divi((float) Math.sqrt(secondCorrection)).addi(epsilon);
        NDArray change = m.div(denominator);
        change.attach(scratch);
        change.muli((float) (learningRate / firstCorrection));
        if (weightDecay != 0) {
            weight.muli(1 - learningRate * weightDecay);
        }
        weight.subi(change);
    }

    /** The moment estimates by "m/<name>" and "v/<name>", for a checkpoint. */
    Map<String, float[]> state() {
        Map<String, float[]> state = new LinkedHashMap<>();
        firstMoments.forEach((name, array) -> state.put("m/" + name, array.toFloatArray()));
        secondMoments.forEach((name, array) -> state.put("v/" + name, array.toFloatArray()));
        return state;
    }

    /** Restores what {@link #state()} returned; {@code shapes} gives each parameter's shape by name. */
    void restore(Map<String, float[]> state, Map<String, ai.djl.ndarray.types.Shape> shapes) {
        firstMoments.values().forEach(NDArray::close);
        secondMoments.values().forEach(NDArray::close);
        firstMoments.clear();
        secondMoments.clear();
        state.forEach((key, values) -> {
            String name = key.substring(2);
            ai.djl.ndarray.types.Shape shape = shapes.get(name);
            if (shape == null || shape.size() != values.length) {
                throw new IllegalArgumentException("optimiser state " + key + " does not match the model");
            }
            NDArray array = stateManager.create(values, shape);
            if (key.startsWith("m/")) {
                firstMoments.put(name, array);
            } else if (key.startsWith("v/")) {
                secondMoments.put(name, array);
            } else {
                throw new IllegalArgumentException("unknown optimiser state " + key);
            }
        });
    }
}
