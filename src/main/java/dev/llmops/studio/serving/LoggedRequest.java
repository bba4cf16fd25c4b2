package dev.llmops.studio.serving;

import java.time.OffsetDateTime;

/** One row of the request log. */
record LoggedRequest(long endpointId, Long deploymentId, Long apiKeyId, OffsetDateTime at, String kind, String prompt,
                     String response, int promptTokens, int completionTokens, double latencyMs, Double firstTokenMs,
                     int status, String error) {
}
