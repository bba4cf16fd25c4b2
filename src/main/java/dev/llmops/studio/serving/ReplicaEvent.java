package dev.llmops.studio.serving;

/**
 * What a replica reports about one request: more {@code text}; or, with {@code finish} ("stop", "length",
 * "cancelled") the end with token counts; or an {@code error} that ends it, with an HTTP {@code status}: 400 when
 * the request cannot be served as sent (a prompt longer than the model takes), 500 when the model failed.
 */
public record ReplicaEvent(String requestId, String text, int completionTokens, String finish, int promptTokens,
                           String error, int status) {

    static ReplicaEvent text(String requestId, String text, int completionTokens) {
        return new ReplicaEvent(requestId, text, completionTokens, null, 0, null, 0);
    }

    static ReplicaEvent finished(String requestId, String finish, int promptTokens, int completionTokens) {
        return new ReplicaEvent(requestId, null, completionTokens, finish, promptTokens, null, 0);
    }

    static ReplicaEvent failed(String requestId, int status, String error) {
        return new ReplicaEvent(requestId, null, 0, null, 0, error, status);
    }
}
