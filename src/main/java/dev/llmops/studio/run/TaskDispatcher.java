package dev.llmops.studio.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmops.studio.artifact.ArtifactRef;
import dev.llmops.studio.pipeline.GraphEdge;
import dev.llmops.studio.pipeline.GraphNode;
import dev.llmops.studio.pipeline.NodeType;
import dev.llmops.studio.pipeline.NodeTypeCatalog;
import dev.llmops.studio.pipeline.PipelineGraph;
import dev.llmops.studio.pipeline.PipelineJson;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The lease protocol every worker speaks (the embedded one in-process, remote ones over HTTP): lease a task,
 * renew the lease by heartbeat, report start, logs, progress and the outcome. Each outcome moves the task and,
 * in the same transaction, its successors and the run.
 */
@Service
public class TaskDispatcher {

    private static final Logger log = LoggerFactory.getLogger(TaskDispatcher.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<TaskStatus> HELD = EnumSet.of(TaskStatus.LEASED, TaskStatus.RUNNING);
    private static final Set<TaskStatus> NOT_STARTED = EnumSet.of(TaskStatus.PENDING, TaskStatus.QUEUED,
            TaskStatus.WAITING);

    private final RunRepository runs;
    private final NodeTypeCatalog catalog;
    private final WorkSignal signal;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final Duration leaseDuration;
    private final Duration retryBaseDelay;
    /** Run graphs never change, so each is parsed once per server. */
    private final Map<Long, PipelineGraph> graphs = new ConcurrentHashMap<>();

    TaskDispatcher(RunRepository runs, NodeTypeCatalog catalog, WorkSignal signal, ApplicationEventPublisher events,
            Clock clock, @Value("${studio.run.lease-duration:30s}") Duration leaseDuration,
            @Value("${studio.run.retry-base-delay:2s}") Duration retryBaseDelay) {
        this.runs = runs;
        this.catalog = catalog;
        this.signal = signal;
        this.events = events;
        this.clock = clock;
        this.leaseDuration = leaseDuration;
        this.retryBaseDelay = retryBaseDelay;
    }

    public Duration leaseDuration() {
        return leaseDuration;
    }

    /** Leases the oldest queued task that fits the worker's free resources and labels, if any. */
    @Transactional
    public Optional<TaskLease> lease(String workerId, WorkerOffer offer) {
        OffsetDateTime now = now();
        for (RunRepository.LeaseCandidate candidate : runs.leaseCandidates(offer, now, 32)) {
            if (offer.labels().containsAll(candidate.requiredLabels())
                    && runs.lease(candidate.taskId(), workerId, now.plus(leaseDuration))) {
                TaskRow task = runs.task(candidate.taskId()).orElseThrow();
                changed(task.runId());
                return Optional.of(new TaskLease(task.id(), task.runId(), task.nodeId(),
                        task.nodeType(), params(task), inputs(task), task.attempt(), task.timeoutSeconds(),
                        task.leaseExpiresAt(), task.gpus(), task.memoryMb(), task.checkpoint()));
            }
        }
        return Optional.empty();
    }

    /**
     * Records an artifact the holding worker produced on an output port during this attempt; false when the
     * worker no longer holds the task (its lease expired and the task went to someone else).
     */
    @Transactional
    public boolean recordOutput(long taskId, String workerId, String port, String artifact) {
        Optional<String> recorded = runs.lockHeldOutputs(taskId, workerId);
        if (recorded.isEmpty()) {
            return false;
        }
        Map<String, String> outputs = new LinkedHashMap<>(outputsOf(recorded.get()));
        outputs.put(port, artifact);
        runs.setOutputs(taskId, write(outputs));
        return true;
    }

    @Transactional(readOnly = true)
    public boolean holds(long taskId, String workerId) {
        return runs.task(taskId).filter(task -> workerId.equals(task.workerId()) && HELD.contains(task.status()))
                .isPresent();
    }

    /**
     * Records a checkpoint of a task the worker holds (the newest wins); returns the reference it replaces so the
     * caller can free it, or empty when there was none. Refused (IllegalStateException) when the worker no
     * longer holds the task.
     */
    @Transactional
    public Optional<String> recordCheckpoint(long taskId, String workerId, String artifact) {
        String previous = runs.lockHeldCheckpoint(taskId, workerId).orElseThrow(() ->
                new IllegalStateException("Worker " + workerId + " does not hold task " + taskId));
        runs.setCheckpoint(taskId, artifact, now());
        return previous.isEmpty() || previous.equals(artifact) ? Optional.empty() : Optional.of(previous);
    }

    /** The newest checkpoint of a task the worker holds; empty when there is none or it holds another task. */
    @Transactional(readOnly = true)
    public Optional<String> heldCheckpoint(long taskId, String workerId) {
        return runs.task(taskId).filter(task -> workerId.equals(task.workerId()) && HELD.contains(task.status()))
                .map(TaskRow::checkpoint);
    }

    /** The artifact on an input port of a task the worker holds; empty for any other task or port. */
    @Transactional(readOnly = true)
    public Optional<String> heldInput(long taskId, String workerId, String port) {
        return runs.task(taskId)
                .filter(task -> workerId.equals(task.workerId()) && HELD.contains(task.status()))
                .map(task -> inputs(task).get(port));
    }

    @Transactional
    public boolean started(long taskId, String workerId) {
        boolean ok = runs.markRunning(taskId, workerId, now());
        runs.task(taskId).ifPresent(task -> changed(task.runId()));
        return ok;
    }

    /** Heartbeat for one held task: extends its lease and says whether the worker should stop. */
    @Transactional
    public Heartbeat renew(long taskId, String workerId) {
        boolean held = runs.renew(taskId, workerId, now().plus(leaseDuration));
        boolean cancel = runs.task(taskId).map(TaskRow::cancelRequested).orElse(true);
        return new Heartbeat(held, cancel);
    }

    /** What a heartbeat tells the worker: {@code held=false} means the task was given to someone else. */
    public record Heartbeat(boolean held, boolean cancelRequested) {
    }

    @Transactional
    public void log(long taskId, String workerId, List<String> lines) {
        if (!lines.isEmpty()) {
            runs.appendLog(taskId, lines, now());
        }
    }

    @Transactional
    public void progress(long taskId, String workerId, double fraction) {
        runs.progress(taskId, workerId, Math.max(0, Math.min(1, fraction)));
        runs.task(taskId).ifPresent(task -> changed(task.runId()));
    }

    /**
     * Metric points of a task, stored in one batch while the worker holds the task (a worker that lost it, say to
     * the reaper, is refused and gets {@code false}). A (name, step) the task already reported is replaced, so a
     * resumed attempt or a re-sent batch never draws a step twice. NaN and infinities are dropped: neither JSON
     * nor a chart can carry them. One {@link RunChanged} per call, however many points it brings.
     */
    @Transactional
    public boolean metrics(long taskId, String workerId, List<MetricPoint> points) {
        // the lock also orders this against the reaper re-queueing the task and against concurrent batches,
        // which the replace-by-step below relies on
        Optional<Long> runId = runs.lockHeldTask(taskId, workerId);
        if (runId.isEmpty()) {
            log.debug("Ignoring {} metric point(s) for task {} from {}: it does not hold the task", points.size(),
                    taskId, workerId);
            return false;
        }
        Map<Map.Entry<String, Long>, MetricPoint> latest = new LinkedHashMap<>();
        for (MetricPoint point : points) {
            if (Double.isFinite(point.value())) {
                latest.put(Map.entry(point.name(), point.step()), point);
            }
        }
        if (!latest.isEmpty()) {
            runs.replaceMetrics(taskId, latest.values(), now());
            changed(runId.get());
        }
        return true;
    }

    /**
     * Success: the outputs recorded during the attempt become the task's, successors whose inputs are now all
     * ready are queued, and the run may end.
     */
    @Transactional
    public void succeeded(long taskId, String workerId) {
        if (!runs.finish(taskId, workerId, TaskStatus.SUCCEEDED, null, now())) {
            log.info("Ignoring success of task {} from {}: it no longer holds the task", taskId, workerId);
            return;
        }
        TaskRow task = runs.task(taskId).orElseThrow();
        // before reading which predecessors have succeeded: two steps feeding one join that finish at the same
        // moment would otherwise each see the other still running, and nobody would queue the join
        runs.lockRun(task.runId());
        queueReadySuccessors(task);
        // before settling: listeners of the run's end (which may clear its artifacts) come after this step's
        RunSummary run = runs.run(task.runId()).orElseThrow();
        events.publishEvent(new StepSucceeded(run.id(), task.id(), run.pipelineId(), run.pipelineName(),
                task.nodeId(), task.nodeType(), task.nodeLabel(), params(task), inputs(task),
                outputsOf(task.outputs()), run.startedBy()));
        settleRun(task.runId());
    }

    /**
     * Failure: retried with exponential backoff while attempts remain, otherwise the run fails. A failure that is
     * not {@code retryable} (the step's settings or inputs are wrong) fails the task at once.
     */
    @Transactional
    public void failed(long taskId, String workerId, String message, boolean retryable) {
        TaskRow task = runs.task(taskId).orElse(null);
        if (task == null || !workerId.equals(task.workerId())) {
            return;
        }
        if (retryable) {
            retryOrFail(task, HELD, message);
        } else if (runs.close(task.id(), HELD, task.cancelRequested() ? TaskStatus.CANCELLED : TaskStatus.FAILED,
                message + " (not retried: change the step's settings or inputs and run again)", now())) {
            settleRun(task.runId());
        }
    }

    /**
     * The executor waits for people ({@link StepWaitsException}): the task parks until {@link #wake} or
     * {@code wakeAt}, and its worker slot is free meanwhile. A task whose cancellation was requested is cancelled
     * instead.
     */
    @Transactional
    public void waiting(long taskId, String workerId, String reason, Instant wakeAt) {
        TaskRow task = runs.task(taskId).orElse(null);
        if (task == null || !workerId.equals(task.workerId())) {
            return;
        }
        if (task.cancelRequested()) {
            cancelled(taskId, workerId);
            return;
        }
        if (runs.park(taskId, workerId, reason, wakeAt == null ? null : wakeAt.atOffset(ZoneOffset.UTC))) {
            changed(task.runId());
        }
    }

    /**
     * Runs a waiting step again now (people did what it waited for); false when the step is not waiting. Called
     * by features after the commit that records what people did, so the executor sees it.
     */
    @Transactional
    public boolean wake(long runId, String nodeId, String why) {
        Optional<TaskRow> task = runs.task(runId, nodeId).filter(t -> t.status() == TaskStatus.WAITING);
        if (task.isEmpty() || !runs.wake(task.get().id(), why, now())) {
            return false;
        }
        signal.signalAfterCommit();
        changed(runId);
        return true;
    }

    /** The worker stopped the task because cancellation was requested. */
    @Transactional
    public void cancelled(long taskId, String workerId) {
        if (runs.finish(taskId, workerId, TaskStatus.CANCELLED, "cancelled", now())) {
            settleRun(runs.task(taskId).orElseThrow().runId());
        }
    }

    /** Re-queues (counting the attempt) every task whose worker stopped renewing its lease. */
    @Transactional
    public int reapExpiredLeases() {
        int reaped = 0;
        for (TaskRow task : runs.expiredLeases(now())) {
            if (retryOrFail(task, HELD, "worker " + task.workerId() + " stopped responding (lease expired)")) {
                reaped++;
            }
        }
        runs.unsettledRuns().forEach(this::settleRun);
        for (long taskId : runs.dueWaiting(now())) {
            runs.task(taskId).ifPresent(task -> {
                if (runs.wake(taskId, "woken at its deadline", now())) {
                    signal.signalAfterCommit();
                    changed(task.runId());
                }
            });
        }
        return reaped;
    }

    /** Cancels a run: tasks not started end now, running ones are asked to stop. */
    @Transactional
    void cancelRun(long runId, String by) {
        if (!runs.setRunStatus(runId, EnumSet.of(RunStatus.RUNNING), RunStatus.CANCELLING, "cancelled by " + by,
                now())) {
            return;
        }
        for (TaskRow task : runs.tasks(runId)) {
            TaskStatus status = task.status();
            if (NOT_STARTED.contains(status)) {
                runs.close(task.id(), NOT_STARTED, TaskStatus.CANCELLED, "cancelled by " + by, now());
            } else if (HELD.contains(status)) {
                runs.requestCancel(task.id());
            }
        }
        settleRun(runId);
    }

    /** Queues the tasks that have no predecessors; called when a run is created. */
    void queueRoots(long runId) {
        PipelineGraph graph = graph(runId);
        for (TaskRow task : runs.tasks(runId)) {
            boolean root = graph.edges().stream().noneMatch(e -> e.target().equals(task.nodeId()));
            if (root) {
                runs.queue(task.id(), now());
            }
        }
        signal.signalAfterCommit();
        changed(runId);
    }

    private boolean retryOrFail(TaskRow task, Set<TaskStatus> from, String message) {
        OffsetDateTime now = now();
        boolean moved;
        if (task.attempt() < task.maxAttempts() && !task.cancelRequested()) {
            Duration delay = retryBaseDelay.multipliedBy(1L << Math.min(task.attempt() - 1, 5));
            moved = runs.requeue(task.id(), from, now.plus(delay), "attempt " + task.attempt() + " failed: "
                    + message + "; retrying in " + delay.toSeconds() + " s", now);
            signal.signalAfterCommit();
        } else {
            moved = runs.close(task.id(), from, task.cancelRequested() ? TaskStatus.CANCELLED
                    : TaskStatus.FAILED, message, now);
        }
        if (moved) {
            settleRun(task.runId());
        }
        return moved;
    }

    private void queueReadySuccessors(TaskRow finished) {
        PipelineGraph graph = graph(finished.runId());
        Map<String, TaskRow> byNode = new HashMap<>();
        runs.tasks(finished.runId()).forEach(t -> byNode.put(t.nodeId(), t));
        for (GraphEdge edge : graph.edges()) {
            if (!edge.source().equals(finished.nodeId())) {
                continue;
            }
            TaskRow successor = byNode.get(edge.target());
            boolean ready = graph.edges().stream().filter(e -> e.target().equals(edge.target()))
                    .allMatch(e -> TaskStatus.SUCCEEDED.name().equals(byNode.get(e.source()).status().name()));
            if (ready && runs.queue(successor.id(), now())) {
                signal.signalAfterCommit();
            }
        }
    }

    /** Ends the run when every task is finished: succeeded, failed (cancelling the rest) or cancelled. */
    private void settleRun(long runId) {
        runs.lockRun(runId);
        List<TaskRow> tasks = runs.tasks(runId);
        RunStatus status = runs.runStatus(runId).orElseThrow();
        boolean anyFailed = tasks.stream().anyMatch(t -> TaskStatus.FAILED.name().equals(t.status().name()));
        if (anyFailed && status == RunStatus.RUNNING) {
            TaskRow failed = tasks.stream().filter(t -> TaskStatus.FAILED.name().equals(t.status().name()))
                    .findFirst().orElseThrow();
            runs.setRunStatus(runId, EnumSet.of(RunStatus.RUNNING), RunStatus.CANCELLING,
                    "step “" + failed.nodeLabel() + "” failed: " + failed.message(), now());
            for (TaskRow task : tasks) {
                TaskStatus taskStatus = task.status();
                if (NOT_STARTED.contains(taskStatus)) {
                    runs.close(task.id(), NOT_STARTED, TaskStatus.CANCELLED, "not run: an earlier step failed",
                            now());
                } else if (HELD.contains(taskStatus)) {
                    runs.requestCancel(task.id());
                }
            }
            tasks = runs.tasks(runId);
            status = RunStatus.CANCELLING;
        }
        boolean allFinished = tasks.stream().allMatch(t -> t.status().terminal());
        if (allFinished) {
            boolean allSucceeded = tasks.stream().allMatch(t -> TaskStatus.SUCCEEDED.name().equals(t.status().name()));
            RunStatus end = allSucceeded ? RunStatus.SUCCEEDED : anyFailed ? RunStatus.FAILED : RunStatus.CANCELLED;
            boolean ended = runs.setRunStatus(runId, EnumSet.of(RunStatus.RUNNING, RunStatus.CANCELLING), end,
                    end == RunStatus.SUCCEEDED ? null : runs.run(runId).map(RunSummary::message).orElse(null), now());
            if (ended) {
                events.publishEvent(new RunFinished(runId, end, tasks.stream().map(TaskRow::checkpoint)
                        .filter(ArtifactRef::isRef).toList()));
            }
        }
        changed(runId);
    }

    /**
     * The step's parameters as saved, with the node type's defaults for those left out or empty, so that
     * executors (remote ones included, which have no catalog) see the values the properties panel showed.
     */
    private Map<String, Object> params(TaskRow task) {
        Map<String, Object> given = graph(task.runId()).node(task.nodeId()).map(GraphNode::params).orElse(Map.of());
        Map<String, Object> params = catalog.find(task.nodeType()).map(NodeType::defaultParams)
                .orElseGet(LinkedHashMap::new);
        given.forEach((name, value) -> {
            if (value != null && !(value instanceof String text && text.isBlank())) {
                params.put(name, value);
            }
        });
        return params;
    }

    /** Input port → the artifact the connected predecessor wrote on its output port. */
    private Map<String, String> inputs(TaskRow task) {
        Map<String, TaskRow> byNode = new HashMap<>();
        runs.tasks(task.runId()).forEach(t -> byNode.put(t.nodeId(), t));
        Map<String, String> inputs = new LinkedHashMap<>();
        for (GraphEdge edge : graph(task.runId()).edges()) {
            if (edge.target().equals(task.nodeId())) {
                String artifact = outputsOf(byNode.get(edge.source()).outputs()).get(edge.sourcePort());
                if (artifact != null) {
                    inputs.put(edge.targetPort(), artifact);
                }
            }
        }
        return inputs;
    }

    PipelineGraph graph(long runId) {
        return graphs.computeIfAbsent(runId, id -> PipelineJson.read(runs.runGraph(id).orElseThrow()));
    }

    private void changed(long runId) {
        events.publishEvent(new RunChanged(runId));
    }

    private static String write(Map<String, String> outputs) {
        try {
            return JSON.writeValueAsString(outputs);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> outputsOf(String outputs) {
        if (outputs == null || outputs.isBlank()) {
            return Map.of();
        }
        try {
            return JSON.readValue(outputs, new TypeReference<>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Corrupt task outputs: " + outputs, e);
        }
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }
}
