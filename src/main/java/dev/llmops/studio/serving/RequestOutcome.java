package dev.llmops.studio.serving;

/**
 * How one request ended, for metrics, the request log and canary watching. {@code status} 200 for an answer
 * (also a cancelled one), else the HTTP status of the error; times in nanoseconds, {@code firstTextNanos} 0 when
 * no text came.
 */
record RequestOutcome(long endpointId, String endpoint, long deploymentId, String version, Long apiKeyId,
                      ReplicaRequest request, String response, int promptTokens, int completionTokens,
                      long latencyNanos, long firstTextNanos, int status, String error) {

    boolean serverError() {
        return status >= 500;
    }
}
