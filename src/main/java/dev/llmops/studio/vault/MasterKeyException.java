package dev.llmops.studio.vault;

/** A master key cannot be used as configured: missing, malformed, or readable by others. Start-up stops on it. */
public class MasterKeyException extends IllegalStateException {

    public MasterKeyException(String message) {
        super(message);
    }

    public MasterKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
