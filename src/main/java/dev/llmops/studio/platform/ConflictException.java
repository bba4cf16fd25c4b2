package dev.llmops.studio.platform;

/** The request is well formed but clashes with existing state (a name already taken, a resource in use). */
public class ConflictException extends InvalidRequestException {

    public ConflictException(String field, String message) {
        super(field, message);
    }
}
