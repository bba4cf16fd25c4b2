package dev.llmops.studio.model;

import dev.llmops.studio.run.StepSettingsException;

/** The loss stopped being a number: retrying with the same settings would diverge again. */
final class TrainingDivergedException extends StepSettingsException {

    TrainingDivergedException(String message) {
        super(message);
    }
}
