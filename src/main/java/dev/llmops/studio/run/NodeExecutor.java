package dev.llmops.studio.run;

import java.time.Duration;

/**
 * Runs one step type on a worker. Features register one Spring bean per node type; a pipeline with a step that
 * has no executor cannot start (the run service names the steps instead of pretending).
 */
public interface NodeExecutor {

    /** The node-type id from the catalog, e.g. {@code fine-tune}. */
    String nodeType();

    /**
     * Does the work. Throwing fails this attempt (retried while attempts remain); returning normally succeeds
     * with the outputs written through the context. Long work checks {@link TaskContext#cancelRequested()}.
     */
    void execute(TaskContext context) throws Exception;

    default int maxAttempts() {
        return 3;
    }

    default Duration timeout() {
        return Duration.ofHours(1);
    }

    /**
     * A stand-in used only while no real executor for the type exists (test executors). A real executor of the
     * same type replaces it; two real ones for a type are a configuration error.
     */
    default boolean fallback() {
        return false;
    }
}
