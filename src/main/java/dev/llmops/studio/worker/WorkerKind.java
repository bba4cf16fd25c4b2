package dev.llmops.studio.worker;

public enum WorkerKind {
    EMBEDDED, REMOTE
}
