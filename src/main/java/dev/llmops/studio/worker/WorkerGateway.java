package dev.llmops.studio.worker;

import dev.llmops.studio.artifact.ArtifactRef;
import dev.llmops.studio.artifact.ArtifactStore;
import dev.llmops.studio.platform.ConflictException;
import dev.llmops.studio.run.TaskDispatcher;
import dev.llmops.studio.run.TaskLease;
import dev.llmops.studio.run.WorkSignal;
import dev.llmops.studio.run.WorkerOffer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * The server's side of the worker protocol where it is more than one dispatcher call: leasing by long-poll
 * (respecting drained and disabled workers) and artifacts, which a worker may read and write only for a task it
 * holds. The embedded worker calls it directly, remote workers through {@link WorkerProtocolController}.
 */
@Service
class WorkerGateway {

    /** A waiting lease re-checks at least this often: tasks queued by another server send no signal here. */
    private static final Duration RECHECK = Duration.ofSeconds(1);

    private final TaskDispatcher dispatcher;
    private final WorkSignal signal;
    private final WorkerRepository workers;
    private final ArtifactStore artifacts;

    WorkerGateway(TaskDispatcher dispatcher, WorkSignal signal, WorkerRepository workers, ArtifactStore artifacts) {
        this.dispatcher = dispatcher;
        this.signal = signal;
        this.workers = workers;
        this.artifacts = artifacts;
    }

    Optional<TaskLease> lease(String workerId, WorkerOffer offer, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long seen = signal.generation();
            if (workers.state(workerId).map(WorkerState::takesTasks).orElse(false)) {
                Optional<TaskLease> lease = dispatcher.lease(workerId, offer);
                if (lease.isPresent()) {
                    return lease;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            signal.awaitAfter(seen, Duration.ofNanos(Math.min(left, RECHECK.toNanos())));
        }
    }

    /** The stored file of an input of a task the worker holds; empty for other tasks and ports. */
    Optional<Path> input(long taskId, String workerId, String port) {
        return dispatcher.heldInput(taskId, workerId, port).map(ref -> artifacts.file(ArtifactRef.parse(ref)));
    }

    /** Stores an output of a task the worker holds, streamed; refused when it no longer holds the task. */
    ArtifactRef output(long taskId, String workerId, String port, InputStream content) throws IOException {
        // checked before the upload too, so a worker that lost its task does not stream gigabytes for nothing
        if (!dispatcher.holds(taskId, workerId)) {
            throw new TaskNotHeldException(taskId, workerId);
        }
        ArtifactRef ref = artifacts.put(content);
        if (!dispatcher.recordOutput(taskId, workerId, port, ref.toString())) {
            throw new TaskNotHeldException(taskId, workerId);
        }
        return ref;
    }

    /**
     * Stores a checkpoint of a held task. Replaced checkpoints stay in the store: equal content may also be an
     * output somewhere (content addressing), so nothing is deleted without a reference count.
     */
    ArtifactRef saveCheckpoint(long taskId, String workerId, InputStream content) throws IOException {
        if (!dispatcher.holds(taskId, workerId)) {
            throw new TaskNotHeldException(taskId, workerId);
        }
        ArtifactRef ref = artifacts.put(content);
        try {
            dispatcher.recordCheckpoint(taskId, workerId, ref.toString());
        } catch (IllegalStateException e) {
            throw new TaskNotHeldException(taskId, workerId);
        }
        return ref;
    }

    /** The stored file of a held task's newest checkpoint; empty when it has none or is not held. */
    Optional<Path> checkpoint(long taskId, String workerId) {
        return dispatcher.heldCheckpoint(taskId, workerId).map(ref -> artifacts.file(ArtifactRef.parse(ref)));
    }

    /** Records an artifact already in the store as an output of a held task (embedded worker only). */
    void output(long taskId, String workerId, String port, ArtifactRef stored) {
        if (!artifacts.exists(stored)) {
            throw new IllegalArgumentException("Artifact " + stored + " is not in the store");
        }
        if (!dispatcher.recordOutput(taskId, workerId, port, stored.toString())) {
            throw new TaskNotHeldException(taskId, workerId);
        }
    }

    /** The worker asked about a task it does not hold (any more): its lease expired or it never had one. */
    static final class TaskNotHeldException extends ConflictException {
        TaskNotHeldException(long taskId, String workerId) {
            super(null, "Worker " + workerId + " does not hold task " + taskId + " (its lease may have expired).");
        }
    }
}
