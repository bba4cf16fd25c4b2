package dev.llmops.studio.serving;

/**
 * PENDING (waiting for a worker), LOADING (a worker is loading the model), READY (serving), DRAINING (finishing
 * what it holds before it stops), STOPPED, FAILED (could not load, or missed its health checks).
 */
public enum ReplicaState {
    PENDING, LOADING, READY, DRAINING, STOPPED, FAILED;

    boolean live() {
        return this == PENDING || this == LOADING || this == READY;
    }

    boolean ended() {
        return this == STOPPED || this == FAILED;
    }
}
