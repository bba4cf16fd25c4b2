package dev.llmops.studio.run;

public enum RunStatus {
    RUNNING, SUCCEEDED, FAILED, CANCELLING, CANCELLED;

    public boolean finished() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
