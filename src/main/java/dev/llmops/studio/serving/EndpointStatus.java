package dev.llmops.studio.serving;

/**
 * DEPLOYING until a replica is ready; READY when every wanted replica is; DEGRADED when some are missing; FAILED
 * when the model cannot be loaded; STOPPED after the endpoint was stopped.
 */
public enum EndpointStatus {
    DEPLOYING, READY, DEGRADED, FAILED, STOPPED
}
