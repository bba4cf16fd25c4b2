package dev.llmops.studio.run;

import java.time.Duration;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Wakes workers that wait for a lease as soon as tasks are queued on this server, so a hand-off takes
 * milliseconds instead of a poll interval. Tasks queued by another server are found by the waiters' timeout.
 */
@Component
public class WorkSignal {

    private final Object monitor = new Object();
    private long generation;

    /**
     * The current signal count. Read it before looking for work and pass it to {@link #awaitAfter}: a signal
     * that arrives between the look and the wait then still wakes the waiter instead of being missed.
     */
    public long generation() {
        synchronized (monitor) {
            return generation;
        }
    }

    /** Waits until a signal newer than {@code seen} or the timeout. */
    public void awaitAfter(long seen, Duration timeout) throws InterruptedException {
        synchronized (monitor) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (generation == seen) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                monitor.wait(Math.max(1, left / 1_000_000), 0);
            }
        }
    }

    /** Signals now, or after the current transaction commits when there is one. */
    void signalAfterCommit() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    signal();
                }
            });
        } else {
            signal();
        }
    }

    void signal() {
        synchronized (monitor) {
            generation++;
            monitor.notifyAll();
        }
    }
}
