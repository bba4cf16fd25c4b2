package dev.llmops.studio.serving;

import java.util.ArrayList;
import java.util.List;

/**
 * How an endpoint serves: replicas between {@code minReplicas} and {@code maxReplicas} (the autoscaler moves
 * between them), requests per batch and how long an idle replica waits to fill one, the most tokens one request
 * may ask for, the canary error rate that rolls a canary back, and the request log.
 */
public record EndpointSettings(int minReplicas, int maxReplicas, int maxBatchSize, int maxBatchDelayMs,
                               int maxTokens, double rollbackErrorRate, boolean logRequests, boolean redactPii,
                               int logRetentionDays) {

    /**
     * No batch delay by default: with continuous batching a request that arrives a moment later joins at the next
     * token anyway, so waiting for company would only add latency.
     */
    public static EndpointSettings defaults() {
        return new EndpointSettings(1, 2, 8, 0, 512, 0.2, true, true, 30);
    }

    public EndpointSettings withReplicas(int min, int max) {
        return new EndpointSettings(min, max, maxBatchSize, maxBatchDelayMs, maxTokens, rollbackErrorRate,
                logRequests, redactPii, logRetentionDays);
    }

    public EndpointSettings withBatching(int batchSize, int batchDelayMs) {
        return new EndpointSettings(minReplicas, maxReplicas, batchSize, batchDelayMs, maxTokens, rollbackErrorRate,
                logRequests, redactPii, logRetentionDays);
    }

    public EndpointSettings withRollbackErrorRate(double rate) {
        return new EndpointSettings(minReplicas, maxReplicas, maxBatchSize, maxBatchDelayMs, maxTokens, rate,
                logRequests, redactPii, logRetentionDays);
    }

    /** What is wrong with the settings, as sentences for the user; empty when they are fine. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (minReplicas < 1 || minReplicas > 16) {
            problems.add("Minimum replicas must be between 1 and 16.");
        }
        if (maxReplicas < minReplicas || maxReplicas > 16) {
            problems.add("Maximum replicas must be between the minimum and 16.");
        }
        if (maxBatchSize < 1 || maxBatchSize > 64) {
            problems.add("Max batch size must be between 1 and 64.");
        }
        if (maxBatchDelayMs < 0 || maxBatchDelayMs > 1000) {
            problems.add("Max batch delay must be between 0 and 1000 ms.");
        }
        if (maxTokens < 1 || maxTokens > 8192) {
            problems.add("Max tokens per request must be between 1 and 8192.");
        }
        if (!(rollbackErrorRate > 0 && rollbackErrorRate <= 1)) {
            problems.add("The canary rollback error rate must be above 0 and at most 1.");
        }
        if (logRetentionDays < 1 || logRetentionDays > 3650) {
            problems.add("Request logs are kept between 1 and 3650 days.");
        }
        return problems;
    }
}
