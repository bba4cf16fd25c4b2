package dev.llmops.studio.worker;

/** ONLINE takes tasks; DRAINING finishes what it holds but takes no more; DISABLED takes none; OFFLINE stopped. */
public enum WorkerState {
    ONLINE, DRAINING, DISABLED, OFFLINE;

    public boolean takesTasks() {
        return this == ONLINE;
    }
}
