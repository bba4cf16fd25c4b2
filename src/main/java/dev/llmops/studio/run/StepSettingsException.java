package dev.llmops.studio.run;

/**
 * Thrown by an executor when the step's parameters or inputs cannot work (a LoRA step without a base model, a
 * dataset without the split asked for): the attempt fails at once and is not retried, since another attempt
 * would fail the same way. The message says what to change.
 */
public class StepSettingsException extends IllegalArgumentException {

    public StepSettingsException(String message) {
        super(message);
    }
}
