package dev.llmops.studio.serving;

/** A request the gateway refuses, with the HTTP status and OpenAI error type and code to answer with. */
public class ServingException extends RuntimeException {

    private final int status;
    private final String type;
    private final String code;
    private final long retryAfterSeconds;

    public ServingException(int status, String type, String code, String message) {
        this(status, type, code, message, 0);
    }

    public ServingException(int status, String type, String code, String message, long retryAfterSeconds) {
        super(message);
        this.status = status;
        this.type = type;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    /** Seconds a rate-limited client should wait; 0 when not rate limited. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    static ServingException invalid(String message) {
        return new ServingException(400, "invalid_request_error", null, message);
    }
}
