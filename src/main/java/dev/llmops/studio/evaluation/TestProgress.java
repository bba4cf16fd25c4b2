package dev.llmops.studio.evaluation;

/**
 * Told how far a test run is, from any thread; asked whether to stop. A screen pushes the count to the browser, a
 * pipeline step reports it as the step's progress.
 */
public interface TestProgress {

    TestProgress NONE = (done, total) -> { };

    /** {@code done} of {@code total} cases have their answer. */
    void answered(int done, int total);

    default boolean cancelled() {
        return false;
    }
}
