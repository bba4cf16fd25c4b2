package dev.llmops.studio.worker;

import dev.llmops.studio.artifact.ArtifactRef;
import dev.llmops.studio.run.MetricPoint;
import dev.llmops.studio.run.TaskDispatcher;
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

/** The worker protocol in-process, for the embedded worker: the same calls a remote worker makes over HTTP. */
final class LocalLeaseProtocol implements LeaseProtocol {

    private final String workerId;
    private final WorkerGateway gateway;
    private final TaskDispatcher dispatcher;
    private final WorkerRepository workers;

    LocalLeaseProtocol(String workerId, WorkerGateway gateway, TaskDispatcher dispatcher, WorkerRepository workers) {
        this.workerId = workerId;
        this.gateway = gateway;
        this.dispatcher = dispatcher;
        this.workers = workers;
    }

    @Override
    public Optional<TaskLease> lease(WorkerOffer offer, Duration wait) throws InterruptedException {
        return gateway.lease(workerId, offer, wait);
    }

    @Override
    public Duration leaseDuration() {
        return dispatcher.leaseDuration();
    }

    @Override
    public boolean started(long taskId) {
        return dispatcher.started(taskId, workerId);
    }

    @Override
    public Heartbeat renew(long taskId) {
        return dispatcher.renew(taskId, workerId);
    }

    @Override
    public void log(long taskId, List<String> lines) {
        dispatcher.log(taskId, workerId, lines);
    }

    @Override
    public void progress(long taskId, double fraction) {
        dispatcher.progress(taskId, workerId, fraction);
    }

    @Override
    public boolean metrics(long taskId, List<MetricPoint> points) {
        return dispatcher.metrics(taskId, workerId, points);
    }

    @Override
    public Path input(long taskId, String port, ArtifactRef expected) {
        return gateway.input(taskId, workerId, port)
                .orElseThrow(() -> new WorkerGateway.TaskNotHeldException(taskId, workerId));
    }

    @Override
    public ArtifactRef output(long taskId, String port, InputStream content) throws IOException {
        return gateway.output(taskId, workerId, port, content);
    }

    @Override
    public void output(long taskId, String port, ArtifactRef stored) {
        gateway.output(taskId, workerId, port, stored);
    }

    @Override
    public void saveCheckpoint(long taskId, InputStream content) throws IOException {
        gateway.saveCheckpoint(taskId, workerId, content);
    }

    @Override
    public Path checkpoint(long taskId, ArtifactRef expected) {
        return gateway.checkpoint(taskId, workerId)
                .orElseThrow(() -> new WorkerGateway.TaskNotHeldException(taskId, workerId));
    }

    @Override
    public void succeeded(long taskId) {
        dispatcher.succeeded(taskId, workerId);
    }

    @Override
    public void failed(long taskId, String message, boolean retryable) {
        dispatcher.failed(taskId, workerId, message, retryable);
    }

    @Override
    public void cancelled(long taskId) {
        dispatcher.cancelled(taskId, workerId);
    }

    @Override
    public void waiting(long taskId, String reason, Instant wakeAt) {
        dispatcher.waiting(taskId, workerId, reason, wakeAt);
    }

    @Override
    public void heartbeat() {
        workers.heartbeat(workerId);
    }

    @Override
    public void offline() {
        workers.offline(workerId);
    }
}
