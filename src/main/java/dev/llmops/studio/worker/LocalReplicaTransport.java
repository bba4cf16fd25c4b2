package dev.llmops.studio.worker;

import dev.llmops.studio.serving.ReplicaAssignment;
import dev.llmops.studio.serving.ReplicaCoordinator;
import dev.llmops.studio.serving.ReplicaEvent;
import dev.llmops.studio.serving.ReplicaState;
import dev.llmops.studio.serving.ReplicaWork;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

/**
 * The embedded worker's replicas talk to the coordinator directly. The decrypted model is written for the replica
 * to load and deleted by it once loaded, so plaintext weights stay on disk only while a replica starts.
 */
final class LocalReplicaTransport implements ReplicaTransport {

    private final String workerId;
    private final ReplicaCoordinator coordinator;
    private final Path cache;

    LocalReplicaTransport(String workerId, ReplicaCoordinator coordinator, Path cache) {
        this.workerId = workerId;
        this.coordinator = coordinator;
        this.cache = cache;
    }

    @Override
    public List<ReplicaAssignment> replicaAssignments() {
        return coordinator.assignments(workerId);
    }

    @Override
    public Path replicaModel(ReplicaAssignment assignment) throws IOException {
        Path target = cache.resolve("replica-" + assignment.replicaId() + ".zip");
        Files.createDirectories(cache);
        Path temporary = Files.createTempFile(cache, "model-", ".part");
        try (InputStream in = coordinator.modelPackage(workerId, assignment.replicaId())) {
            Files.copy(in, temporary, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    @Override
    public void replicaReport(long replicaId, ReplicaState state, String message) {
        coordinator.report(workerId, replicaId, state, message);
    }

    @Override
    public ReplicaWork replicaWork(long replicaId, int capacity, Duration wait) throws InterruptedException {
        return coordinator.work(workerId, replicaId, capacity, wait);
    }

    @Override
    public void replicaEvents(long replicaId, List<ReplicaEvent> events) {
        coordinator.events(workerId, replicaId, events);
    }
}
