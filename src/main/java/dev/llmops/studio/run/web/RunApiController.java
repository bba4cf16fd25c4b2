package dev.llmops.studio.run.web;

import dev.llmops.studio.run.RunDetail;
import dev.llmops.studio.run.RunService;
import dev.llmops.studio.run.RunStatus;
import dev.llmops.studio.run.RunSummary;
import dev.llmops.studio.run.RunTrigger;
import dev.llmops.studio.run.TaskLog;
import dev.llmops.studio.run.TaskMetrics;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Start, watch and cancel runs over REST. */
@RestController
class RunApiController {

    private final RunService runs;

    RunApiController(RunService runs) {
        this.runs = runs;
    }

    /**
     * Starts the newest saved version, or with {@code upTo} (a step id) that step and the steps it depends on;
     * 400 with the reason when it has issues or steps that cannot run yet.
     */
    @PostMapping("/api/v1/pipelines/{pipelineId}/runs")
    @RequiresPermission(Permission.RUNS_START)
    ResponseEntity<RunSummary> start(@PathVariable long pipelineId, @RequestParam(required = false) String upTo) {
        RunSummary run = runs.start(pipelineId, RunTrigger.API, upTo == null || upTo.isBlank() ? null : upTo);
        return ResponseEntity.created(URI.create("/api/v1/runs/" + run.id())).body(run);
    }

    @GetMapping("/api/v1/runs")
    @RequiresPermission(Permission.RUNS_VIEW)
    List<RunSummary> list(@RequestParam(required = false) Long pipelineId,
            @RequestParam(required = false) RunStatus status, @RequestParam(required = false) String startedBy,
            @RequestParam(defaultValue = "100") int limit) {
        return runs.list(pipelineId, status, startedBy, limit);
    }

    @GetMapping("/api/v1/runs/{runId}")
    @RequiresPermission(Permission.RUNS_VIEW)
    RunDetail detail(@PathVariable long runId) {
        return runs.detail(runId);
    }

    /** Each step's metric series (train_loss, learning_rate …); series over 2000 points come back thinned. */
    @GetMapping("/api/v1/runs/{runId}/metrics")
    @RequiresPermission(Permission.RUNS_VIEW)
    List<TaskMetrics> metrics(@PathVariable long runId) {
        return runs.metrics(runId);
    }

    @GetMapping("/api/v1/tasks/{taskId}/log")
    @RequiresPermission(Permission.RUNS_VIEW)
    List<TaskLog> log(@PathVariable long taskId,
            @RequestParam(defaultValue = "0") long after, @RequestParam(defaultValue = "500") int limit) {
        return runs.log(taskId, after, limit);
    }

    @PostMapping("/api/v1/runs/{runId}/cancel")
    @RequiresPermission(Permission.RUNS_START)
    ResponseEntity<Void> cancel(@PathVariable long runId) {
        runs.cancel(runId);
        return ResponseEntity.accepted().build();
    }
}
