package dev.llmops.studio.model;

import java.io.IOException;

/**
 * A checkpoint file that exists but cannot be used as it is: malformed, truncated, or not a Llama model we
 * support. Distinct from other I/O failures so that an import can show the message to the user as it is.
 */
public final class CheckpointFormatException extends IOException {

    public CheckpointFormatException(String message) {
        super(message);
    }

    CheckpointFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
