package dev.llmops.studio.model;

import ai.djl.training.tracker.Tracker;

/**
 * The learning-rate schedule fine-tuning uses: linear warm-up from zero to the peak over {@code warmupSteps}, then
 * cosine decay to {@code minRatio} × peak at {@code totalSteps}, flat after that. Warm-up keeps the first updates of
 * a freshly initialised optimiser (no second-moment estimate yet) from wrecking pretrained weights.
 */
record WarmupCosine(float peak, int warmupSteps, int totalSteps, float minRatio) implements Tracker {

    WarmupCosine {
        if (!(peak > 0) || warmupSteps < 0 || totalSteps < 1 || warmupSteps > totalSteps || minRatio < 0
                || minRatio > 1) {
            throw new IllegalArgumentException("Learning-rate schedule needs peak > 0, 0 ≤ warm-up ≤ total steps,"
                    + " total ≥ 1 and 0 ≤ min ratio ≤ 1 (got " + peak + ", " + warmupSteps + ", " + totalSteps + ", "
                    + minRatio + ")");
        }
    }

    /** {@code update} counts optimiser updates from 1, as DJL's optimisers pass it. */
    @Override
    public float getNewValue(int update) {
        if (warmupSteps > 0 && update <= warmupSteps) {
            return peak * update / warmupSteps;
        }
        int decaySteps = totalSteps - warmupSteps;
        if (decaySteps == 0 || update >= totalSteps) {
            return peak * minRatio;
        }
        double progress = (double) (update - warmupSteps) / decaySteps;
        double cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
        return (float) (peak * (minRatio + (1 - minRatio) * cosine));
    }
}
