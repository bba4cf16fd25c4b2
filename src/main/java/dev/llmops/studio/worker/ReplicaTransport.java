package dev.llmops.studio.worker;

import dev.llmops.studio.serving.ReplicaAssignment;
import dev.llmops.studio.serving.ReplicaEvent;
import dev.llmops.studio.serving.ReplicaState;
import dev.llmops.studio.serving.ReplicaWork;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The serving half of the worker protocol: in-process for the embedded worker, HTTP for remote ones. */
interface ReplicaTransport {

    List<ReplicaAssignment> replicaAssignments();

    Path replicaModel(ReplicaAssignment assignment) throws IOException;

    void replicaReport(long replicaId, ReplicaState state, String message);

    ReplicaWork replicaWork(long replicaId, int capacity, Duration wait) throws InterruptedException;

    void replicaEvents(long replicaId, List<ReplicaEvent> events);
}
