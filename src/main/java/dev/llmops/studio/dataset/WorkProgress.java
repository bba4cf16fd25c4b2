package dev.llmops.studio.dataset;

/**
 * How long work on a dataset reports back: polled for cancellation after every example, told the fraction done
 * now and then (a progress bar). A lambda {@code () -> false} is "never cancel, no progress bar".
 */
@FunctionalInterface
public interface WorkProgress {

    boolean cancelled();

    /** Fraction done, 0 to 1; called at most about a hundred times per job. */
    default void fraction(double done) {
    }
}
