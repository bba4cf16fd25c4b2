package dev.llmops.studio.worker;

import dev.llmops.studio.artifact.ArtifactRef;
import dev.llmops.studio.run.MetricPoint;
import dev.llmops.studio.run.TaskDispatcher.Heartbeat;
import dev.llmops.studio.run.TaskLease;
import dev.llmops.studio.run.WorkerOffer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The conversation between one worker and the server, seen from the worker. The embedded worker speaks it
 * in-process and remote workers over HTTP; {@link WorkerRuntime} runs steps the same way over either.
 */
interface LeaseProtocol {

    /** The server will never accept this worker again (its token was revoked): the worker must stop. */
    class WorkerRejectedException extends RuntimeException {
        WorkerRejectedException(String message) {
            super(message);
        }
    }

    /** Waits up to {@code wait} for a task that fits the offer. */
    Optional<TaskLease> lease(WorkerOffer offer, Duration wait) throws InterruptedException;

    /** How long a lease lasts without renewal; the runtime renews well within it. */
    Duration leaseDuration();

    boolean started(long taskId);

    Heartbeat renew(long taskId);

    void log(long taskId, List<String> lines);

    void progress(long taskId, double fraction);

    /** A batch of metric points; false when the worker no longer holds the task. */
    boolean metrics(long taskId, List<MetricPoint> points);

    /** A local file with the content of the task's input on a port, checked against its address. */
    Path input(long taskId, String port, ArtifactRef expected) throws IOException;

    ArtifactRef output(long taskId, String port, InputStream content) throws IOException;

    /** Records an artifact the server already stores as an output (server-side steps only). */
    void output(long taskId, String port, ArtifactRef stored);

    /** Stores a checkpoint of a held task on the server, replacing the previous one. */
    void saveCheckpoint(long taskId, InputStream content) throws IOException;

    /** A local file with the task's newest checkpoint, checked against its address. */
    Path checkpoint(long taskId, ArtifactRef expected) throws IOException;

    void succeeded(long taskId);

    /** {@code retryable} false: the step's settings or inputs are wrong; the task fails without a retry. */
    void failed(long taskId, String message, boolean retryable);

    void cancelled(long taskId);

    /** The step waits for people: the task parks on the server until woken or {@code wakeAt} (null: no deadline). */
    void waiting(long taskId, String reason, Instant wakeAt);

    /** Tells the server the worker is alive (every few seconds, besides per-task lease renewals). */
    void heartbeat();

    void offline();
}
