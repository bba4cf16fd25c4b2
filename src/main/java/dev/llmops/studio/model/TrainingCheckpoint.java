package dev.llmops.studio.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a resumed training needs, in one safetensors file: the trained weights (all of them, or only the
 * adapters under LoRA, whose frozen base comes from the step's input again), the best weights seen by validation,
 * the optimiser's moments, and the loop's counters in the metadata.
 */
record TrainingCheckpoint(int step, Map<String, float[]> weights, Map<String, float[]> bestWeights,
                          Map<String, float[]> optimizerState, Progress progress) {

    /** Counters that outlive an attempt. {@code bestValidationLoss} is NaN until the first evaluation. */
    record Progress(double firstValidationLoss, double bestValidationLoss, int bestStep,
                    int evaluationsWithoutImprovement, long tokensSeen, double trainingSeconds) {
    }

    private static final String WEIGHTS = "weights/";
    private static final String BEST = "best/";

    void save(Path file, Map<String, int[]> shapes) throws IOException {
        Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
        weights.forEach((name, values) -> tensors.put(WEIGHTS + name, new SafeTensors.Tensor(shapes.get(name), values)));
        bestWeights.forEach((name, values) -> tensors.put(BEST + name, new SafeTensors.Tensor(shapes.get(name), values)));
        optimizerState.forEach((key, values) ->
                tensors.put(key, new SafeTensors.Tensor(shapes.get(key.substring(2)), values)));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("step", Integer.toString(step));
        metadata.put("first_validation_loss", Double.toString(progress.firstValidationLoss()));
        metadata.put("best_validation_loss", Double.toString(progress.bestValidationLoss()));
        metadata.put("best_step", Integer.toString(progress.bestStep()));
        metadata.put("evaluations_without_improvement", Integer.toString(progress.evaluationsWithoutImprovement()));
        metadata.put("tokens_seen", Long.toString(progress.tokensSeen()));
        metadata.put("training_seconds", Double.toString(progress.trainingSeconds()));
        SafeTensors.write(file, tensors, SafeTensors.DType.F32, metadata);
    }

    static TrainingCheckpoint load(Path file) throws IOException {
        try (SafeTensors tensors = SafeTensors.open(file)) {
            Map<String, float[]> weights = new LinkedHashMap<>();
            Map<String, float[]> best = new LinkedHashMap<>();
            Map<String, float[]> state = new LinkedHashMap<>();
            for (String name : tensors.tensors().keySet()) {
                float[] values = tensors.readFloats(name);
                if (name.startsWith(WEIGHTS)) {
                    weights.put(name.substring(WEIGHTS.length()), values);
                } else if (name.startsWith(BEST)) {
                    best.put(name.substring(BEST.length()), values);
                } else {
                    state.put(name, values);
                }
            }
            Map<String, String> meta = tensors.metadata();
            try {
                Progress progress = new Progress(Double.parseDouble(meta.get("first_validation_loss")),
                        Double.parseDouble(meta.get("best_validation_loss")), Integer.parseInt(meta.get("best_step")),
                        Integer.parseInt(meta.get("evaluations_without_improvement")),
                        Long.parseLong(meta.get("tokens_seen")), Double.parseDouble(meta.get("training_seconds")));
                return new TrainingCheckpoint(Integer.parseInt(meta.get("step")), weights, best, state, progress);
            } catch (NullPointerException | NumberFormatException e) {
                throw new CheckpointFormatException(file + " is not a training checkpoint: " + meta);
            }
        }
    }
}
