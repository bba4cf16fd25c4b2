package dev.llmops.studio.model;

/** The loss stopped being a number: retrying with the same settings would diverge again. */
final class TrainingDivergedException extends RuntimeException {

    TrainingDivergedException(String message) {
        super(message);
    }
}
