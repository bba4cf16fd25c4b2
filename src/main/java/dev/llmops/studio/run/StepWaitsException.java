package dev.llmops.studio.run;

import java.time.Instant;
import java.util.Optional;

/**
 * Thrown by an executor whose step cannot finish until people act (reviews to complete, an approval to give):
 * the task parks in {@link TaskStatus#WAITING}, freeing its worker slot, until a feature
 * {@linkplain TaskDispatcher#wake wakes} it or {@code wakeAt} passes; then the executor runs again from the start
 * and finds what people did. Parking is not a failed attempt, so a step may wait any number of times. Executors
 * that park must therefore be idempotent: what the first execution created is found again, not created twice.
 */
public class StepWaitsException extends RuntimeException {

    private final transient Instant wakeAt;

    /**
     * @param reason what the step waits for, shown on the run ("waiting for 3 of 8 reviews")
     * @param wakeAt when to run the step again even if nobody wakes it (a deadline); null: only when woken
     */
    public StepWaitsException(String reason, Instant wakeAt) {
        super(reason);
        this.wakeAt = wakeAt;
    }

    public Optional<Instant> wakeAt() {
        return Optional.ofNullable(wakeAt);
    }
}
