package dev.llmops.studio.run;

/**
 * pending → queued → leased → running → succeeded | failed | cancelled; waiting parks a task until people act
 * (reviews, approvals). A failed attempt with attempts left goes back to queued, with a backoff.
 */
public enum TaskStatus {
    PENDING, QUEUED, LEASED, RUNNING, SUCCEEDED, FAILED, CANCELLED, WAITING;

    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
