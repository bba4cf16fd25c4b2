package dev.llmops.studio.model;

/**
 * The loss or the gradients stopped being numbers. Retried like any failure: the retry resumes from the last
 * checkpoint, which gets past a passing glitch; a learning rate that is simply too high fails every attempt
 * with this message.
 */
final class TrainingDivergedException extends RuntimeException {

    TrainingDivergedException(String message) {
        super(message);
    }
}
