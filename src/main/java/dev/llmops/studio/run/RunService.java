package dev.llmops.studio.run;

import dev.llmops.studio.pipeline.GraphNode;
import dev.llmops.studio.pipeline.NodeType;
import dev.llmops.studio.pipeline.NodeTypeCatalog;
import dev.llmops.studio.pipeline.OpenedPipeline;
import dev.llmops.studio.pipeline.PipelineGraph;
import dev.llmops.studio.pipeline.PipelineJson;
import dev.llmops.studio.pipeline.PipelineService;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.platform.NotFoundException;
import dev.llmops.studio.security.AuditLog;
import dev.llmops.studio.security.CurrentUser;
import dev.llmops.studio.security.Permission;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Starting, cancelling and reading runs. The tasks themselves move through {@link TaskDispatcher}. */
@Service
public class RunService {

    /**
     * The most points one series returns: about what a chart a few hundred pixels wide can show, and a payload
     * (tens of kB per series) that a page can take at every push.
     */
    public static final int MAX_POINTS_PER_SERIES = 2000;

    private final RunRepository runs;
    private final TaskDispatcher dispatcher;
    private final PipelineService pipelines;
    private final NodeTypeCatalog catalog;
    private final NodeExecutors executors;
    private final CurrentUser currentUser;
    private final AuditLog audit;
    private final Clock clock;

    RunService(RunRepository runs, TaskDispatcher dispatcher, PipelineService pipelines, NodeTypeCatalog catalog,
            NodeExecutors executors, CurrentUser currentUser, AuditLog audit, Clock clock) {
        this.runs = runs;
        this.dispatcher = dispatcher;
        this.pipelines = pipelines;
        this.catalog = catalog;
        this.executors = executors;
        this.currentUser = currentUser;
        this.audit = audit;
        this.clock = clock;
    }

    /** The steps of a graph that no executor can run yet, as "Label (type)"; empty when it can run. */
    public List<String> notRunnable(List<GraphNode> nodes) {
        return nodes.stream().filter(n -> !executors.runnable(n.type()))
                .map(n -> "“" + n.label() + "” (" + n.type() + ")").toList();
    }

    /**
     * Starts the newest saved version of a pipeline. Refused, with the reason, when that version has
     * validation issues or steps that no executor can run yet.
     */
    @Transactional
    public RunSummary start(long pipelineId, RunTrigger trigger) {
        return start(pipelineId, trigger, null);
    }

    /**
     * Starts the newest saved version of a pipeline, or with {@code upToNodeId} only that step and the steps it
     * depends on (directly or not): to iterate on one step, or to run the part of a pipeline that can run today.
     */
    @Transactional
    public RunSummary start(long pipelineId, RunTrigger trigger, String upToNodeId) {
        currentUser.require(Permission.RUNS_START);
        OpenedPipeline pipeline = pipelines.open(pipelineId);
        if (!pipeline.issues().isEmpty()) {
            throw new InvalidRequestException(null, "“" + pipeline.summary().name() + "” version "
                    + pipeline.summary().version() + " has " + pipeline.issues().size()
                    + " validation issue(s); fix and save it before running.");
        }
        PipelineGraph graph = upToNodeId == null ? pipeline.graph() : upTo(pipeline.graph(), upToNodeId);
        List<String> missing = notRunnable(graph.nodes());
        if (!missing.isEmpty()) {
            throw new InvalidRequestException(null, "These steps cannot run yet (no executor on this server): "
                    + String.join(", ", missing) + ".");
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        String who = currentUser.usernameOrSystem();
        long runId = runs.insertRun(pipelineId, pipeline.summary().name(), pipeline.summary().version(),
                PipelineJson.write(graph), trigger, who, now);
        for (GraphNode node : graph.nodes()) {
            NodeType type = catalog.find(node.type()).orElseThrow();
            NodeExecutor executor = executors.find(node.type()).orElseThrow();
            runs.insertTask(runId, node.id(), node.type(), node.label(), TaskStatus.PENDING,
                    executor.maxAttempts(), type.resources().cpuCores(), type.resources().gpus(),
                    type.resources().memoryMb(), requiredLabels(node), (int) executor.timeout().toSeconds(), now);
        }
        dispatcher.queueRoots(runId);
        audit.record("run.started", pipeline.summary().name(), "run " + runId + " of version "
                + pipeline.summary().version() + " (" + trigger.name().toLowerCase() + ")"
                + (upToNodeId == null ? "" : " up to step “" + graph.node(upToNodeId).orElseThrow().label() + "”"));
        return runs.run(runId).orElseThrow();
    }

    /** The step and everything it depends on, in the graph's order, with the edges between them. */
    public static PipelineGraph upTo(PipelineGraph graph, String nodeId) {
        if (graph.node(nodeId).isEmpty()) {
            throw new InvalidRequestException("upTo", "The pipeline has no step “" + nodeId + "”.");
        }
        Set<String> needed = new HashSet<>();
        Deque<String> pending = new ArrayDeque<>(List.of(nodeId));
        while (!pending.isEmpty()) {
            String id = pending.pop();
            if (needed.add(id)) {
                graph.edges().stream().filter(e -> e.target().equals(id)).forEach(e -> pending.push(e.source()));
            }
        }
        return new PipelineGraph(graph.schedule(),
                graph.nodes().stream().filter(n -> needed.contains(n.id())).toList(),
                graph.edges().stream().filter(e -> needed.contains(e.source()) && needed.contains(e.target()))
                        .toList());
    }

    @Transactional
    public void cancel(long runId) {
        currentUser.require(Permission.RUNS_START);
        RunSummary run = existing(runId);
        dispatcher.cancelRun(runId, currentUser.usernameOrSystem());
        audit.record("run.cancelled", run.pipelineName(), "run " + runId);
    }

    @Transactional(readOnly = true)
    public List<RunSummary> list(Long pipelineId, RunStatus status, String startedBy, int limit) {
        currentUser.require(Permission.RUNS_VIEW);
        return runs.runs(pipelineId, status, startedBy, Math.max(1, Math.min(limit, 500)));
    }

    /** Who started the run, for steps that act in their name (a Deploy step); no permission check. */
    @Transactional(readOnly = true)
    public String startedBy(long runId) {
        return existing(runId).startedBy();
    }

    @Transactional(readOnly = true)
    public RunDetail detail(long runId) {
        currentUser.require(Permission.RUNS_VIEW);
        RunSummary summary = existing(runId);
        List<TaskInfo> tasks = runs.tasks(runId).stream().map(RunService::info).collect(Collectors.toList());
        return new RunDetail(summary, dispatcher.graph(runId), tasks);
    }

    @Transactional(readOnly = true)
    public List<TaskLog> log(long taskId, long afterLogId, int limit) {
        currentUser.require(Permission.RUNS_VIEW);
        return runs.logAfter(taskId, afterLogId, Math.max(1, Math.min(limit, 1000)));
    }

    /**
     * The metric series each step of the run reported, steps in graph order and series by name; steps without
     * metrics are left out. Long series come back thinned to {@link #MAX_POINTS_PER_SERIES} evenly spaced points.
     */
    @Transactional(readOnly = true)
    public List<TaskMetrics> metrics(long runId) {
        currentUser.require(Permission.RUNS_VIEW);
        existing(runId);
        Map<Long, Map<String, List<RunRepository.MetricRow>>> byTask = new LinkedHashMap<>();
        for (RunRepository.MetricRow row : runs.metricSamples(runId, MAX_POINTS_PER_SERIES)) {
            byTask.computeIfAbsent(row.taskId(), id -> new LinkedHashMap<>())
                    .computeIfAbsent(row.name(), name -> new ArrayList<>()).add(row);
        }
        List<TaskMetrics> result = new ArrayList<>();
        for (TaskRow task : runs.tasks(runId)) {
            Map<String, List<RunRepository.MetricRow>> series = byTask.get(task.id());
            if (series == null) {
                continue;
            }
            List<MetricSeries> named = series.entrySet().stream()
                    .map(e -> new MetricSeries(e.getKey(), e.getValue().get(0).points(),
                            e.getValue().stream().map(r -> new MetricSample(r.step(), r.value())).toList()))
                    .toList();
            result.add(new TaskMetrics(task.id(), task.nodeId(), task.nodeLabel(), named));
        }
        return result;
    }

    /** What each worker holds right now, for the workers screen. */
    @Transactional(readOnly = true)
    public List<HeldTask> heldTasks() {
        currentUser.require(Permission.RUNS_VIEW);
        return runs.heldTasks();
    }

    private RunSummary existing(long runId) {
        return runs.run(runId).orElseThrow(() -> new NotFoundException("No run with id " + runId + "."));
    }

    private static TaskInfo info(TaskRow t) {
        return new TaskInfo(t.id(), t.nodeId(), t.nodeType(), t.nodeLabel(), t.status(), t.attempt(),
                t.maxAttempts(), t.workerId(), t.queuedAt(), t.startedAt(), t.finishedAt(), t.progress(), t.message(),
                t.status() == TaskStatus.SUCCEEDED ? TaskDispatcher.outputsOf(t.outputs()) : Map.of());
    }

    private static String requiredLabels(GraphNode node) {
        Object labels = node.params().get(NodeTypeCatalog.WORKER_LABELS);
        return labels == null ? null : WorkerLabels.format(WorkerLabels.parse(labels.toString()));
    }
}
