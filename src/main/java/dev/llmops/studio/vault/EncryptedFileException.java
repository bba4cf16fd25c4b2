package dev.llmops.studio.vault;

import java.io.IOException;

/**
 * An encrypted file cannot be opened or read: it was modified or truncated, it is not an encrypted file, or it
 * is wrapped by a master key that is not configured. An {@link IOException} because readers meet it in the
 * middle of a stream, where an I/O error is what they already handle; the message says which of these it is.
 */
public class EncryptedFileException extends IOException {

    public EncryptedFileException(String message) {
        super(message);
    }

    public EncryptedFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
