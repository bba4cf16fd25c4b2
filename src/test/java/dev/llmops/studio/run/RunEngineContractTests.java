package dev.llmops.studio.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.studio.pipeline.GraphEdge;
import dev.llmops.studio.pipeline.PipelineGraph;
import dev.llmops.studio.pipeline.PipelineService;
import dev.llmops.studio.pipeline.PipelineTemplates;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.support.ScriptedExecutors;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.support.Users;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Runs of the six-step template through the embedded worker with scripted executors: success, retries,
 * failure, cancellation. Real database (see the subclasses), real Quartz reaper, real worker threads.
 */
abstract class RunEngineContractTests {

    @Autowired
    RunService runs;
    @Autowired
    PipelineService pipelines;
    @Autowired
    PipelineTemplates templates;
    @Autowired
    Users users;

    String engineer;
    long pipelineId;
    PipelineGraph graph;

    /** Where this test's executions start in the JVM-wide log (run ids repeat across test databases). */
    int executionsBefore;

    @BeforeEach
    void pipeline() {
        executionsBefore = ScriptedExecutors.EXECUTIONS.size();
        engineer = users.create("runner", Role.ML_ENGINEER);
        graph = templates.get("fine-tune-and-deploy").graph();
        pipelineId = as(() -> pipelines.create(Users.uniqueName("run-me"), null, graph, null).id());
    }

    @AfterEach
    void resetScripts() {
        ScriptedExecutors.reset();
    }

    @Test
    void everyStepRunsOnceInDependencyOrderAndReceivesItsInputs() {
        RunSummary started = as(() -> runs.start(pipelineId, RunTrigger.MANUAL));
        assertThat(started.startedBy()).isEqualTo(engineer);
        assertThat(started.pipelineVersion()).isEqualTo(1);
        RunDetail done = awaitRun(started.id(), RunStatus::finished);

        assertThat(done.summary().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(done.summary().tasksSucceeded()).isEqualTo(6);
        assertThat(done.tasks()).allSatisfy(task -> {
            assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
            assertThat(task.attempt()).isEqualTo(1);
            assertThat(task.progress()).isEqualTo(1.0);
        });
        List<String> order = executionsOf(started.id());
        assertThat(order).hasSize(6);
        for (GraphEdge edge : graph.edges()) {
            assertThat(order.indexOf(edge.source() + "#1")).as(edge.source() + " before " + edge.target())
                    .isLessThan(order.indexOf(edge.target() + "#1"));
        }
        TaskInfo fineTune = task(done, "finetune");
        List<TaskLog> log = as(() -> runs.log(fineTune.id(), 0, 100));
        assertThat(log).extracting(TaskLog::line).contains(
                "read dataset: " + ScriptedExecutors.outputContent(started.id(), "upload", "dataset"));
    }

    @Test
    void failedAttemptsAreRetriedWithBackoff() {
        ScriptedExecutors.script("finetune", ScriptedExecutors.failing(2));
        RunSummary started = as(() -> runs.start(pipelineId, RunTrigger.API));
        RunDetail done = awaitRun(started.id(), RunStatus::finished);
        assertThat(done.summary().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(task(done, "finetune").attempt()).isEqualTo(3);
        assertThat(executionsOf(started.id())).contains("finetune#1", "finetune#2", "finetune#3");
        assertThat(as(() -> runs.log(task(done, "finetune").id(), 0, 100))).extracting(TaskLog::line)
                .anyMatch(line -> line.contains("scripted failure on attempt 1"));
    }

    @Test
    void aStepThatKeepsFailingFailsTheRunAndCancelsWhatFollows() {
        ScriptedExecutors.script("quantize", ScriptedExecutors.failing(99));
        RunSummary started = as(() -> runs.start(pipelineId, RunTrigger.MANUAL));
        RunDetail done = awaitRun(started.id(), RunStatus::finished);
        assertThat(done.summary().status()).isEqualTo(RunStatus.FAILED);
        assertThat(done.summary().message()).contains("Quantize").contains("scripted failure");
        assertThat(task(done, "quantize").status()).isEqualTo(TaskStatus.FAILED);
        assertThat(task(done, "quantize").attempt()).isEqualTo(3);
        assertThat(task(done, "upload").status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task(done, "finetune").status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(done.tasks().stream().filter(t -> !List.of("upload", "finetune", "quantize").contains(t.nodeId())))
                .isNotEmpty().allSatisfy(t -> assertThat(t.status()).isEqualTo(TaskStatus.CANCELLED));
    }

    @Test
    void cancellingStopsTheRunningStepAndSkipsTheRest() {
        ScriptedExecutors.script("finetune", ScriptedExecutors.untilCancelled());
        RunSummary started = as(() -> runs.start(pipelineId, RunTrigger.MANUAL));
        awaitTask(started.id(), "finetune", t -> t.status() == TaskStatus.RUNNING && t.progress() > 0);
        as(() -> {
            runs.cancel(started.id());
            return null;
        });
        RunDetail done = awaitRun(started.id(), RunStatus::finished);
        assertThat(done.summary().status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(task(done, "upload").status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task(done, "finetune").status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(task(done, "deploy").status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(executionsOf(started.id())).doesNotContain("deploy#1");
    }

    @Test
    void aJoinWhoseInputsFinishAtTheSameMomentStillRuns() {
        // two independent branches meet in Evaluate; a barrier makes both finish together, ten times over
        var nodes = List.of(
                new dev.llmops.studio.pipeline.GraphNode("upA", "dataset-upload", "Data A", 0, 0,
                        java.util.Map.of("dataset", "a")),
                new dev.llmops.studio.pipeline.GraphNode("ft", "fine-tune", "Train", 260, 0, java.util.Map.of()),
                new dev.llmops.studio.pipeline.GraphNode("upB", "dataset-upload", "Data B", 260, 140,
                        java.util.Map.of("dataset", "b")),
                new dev.llmops.studio.pipeline.GraphNode("ev", "evaluate", "Join", 520, 0, java.util.Map.of()));
        var edges = List.of(new GraphEdge("e1", "upA", "dataset", "ft", "dataset"),
                new GraphEdge("e2", "ft", "model", "ev", "model"),
                new GraphEdge("e3", "upB", "dataset", "ev", "dataset"));
        long joinPipeline = as(() -> pipelines.create(Users.uniqueName("join"), null,
                new PipelineGraph(null, nodes, edges), null).id());
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
        ScriptedExecutors.Script meet = context -> together.await(20, java.util.concurrent.TimeUnit.SECONDS);
        ScriptedExecutors.script("ft", meet);
        ScriptedExecutors.script("upB", meet);
        for (int i = 0; i < 10; i++) {
            long runId = as(() -> runs.start(joinPipeline, RunTrigger.MANUAL).id());
            RunDetail done = await(runId, d -> d.summary().status().finished() || d.tasks().stream()
                    .noneMatch(t -> t.status() == TaskStatus.QUEUED || t.status() == TaskStatus.LEASED
                            || t.status() == TaskStatus.RUNNING) && task(d, "ev").status() == TaskStatus.PENDING
                            && task(d, "ft").status() == TaskStatus.SUCCEEDED
                            && task(d, "upB").status() == TaskStatus.SUCCEEDED);
            assertThat(done.summary().status()).as("run %d of 10: %s", i + 1, summary(done))
                    .isEqualTo(RunStatus.SUCCEEDED);
        }
    }

    @Test
    void aPipelineWithIssuesIsRefusedWithTheReason() {
        long broken = as(() -> pipelines.create(Users.uniqueName("broken"), null, PipelineGraph.empty(), null).id());
        assertThatThrownBy(() -> as(() -> runs.start(broken, RunTrigger.MANUAL)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("validation issue");
    }

    private <T> T as(java.util.concurrent.Callable<T> action) {
        return SignedIn.as(engineer, List.of(Role.ML_ENGINEER), action);
    }

    private RunDetail awaitRun(long runId, Predicate<RunStatus> condition) {
        return await(runId, detail -> condition.test(detail.summary().status()));
    }

    private RunDetail awaitTask(long runId, String nodeId, Predicate<TaskInfo> condition) {
        return await(runId, detail -> condition.test(task(detail, nodeId)));
    }

    private RunDetail await(long runId, Predicate<RunDetail> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        RunDetail detail = as(() -> runs.detail(runId));
        while (!condition.test(detail)) {
            assertThat(System.nanoTime()).as("run %d did not get there in time: %s", runId, summary(detail))
                    .isLessThan(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            detail = as(() -> runs.detail(runId));
        }
        return detail;
    }

    private static String summary(RunDetail detail) {
        return detail.summary().status() + " " + detail.tasks().stream()
                .map(t -> t.nodeId() + "=" + t.status() + "#" + t.attempt()).collect(Collectors.joining(", "));
    }

    private static TaskInfo task(RunDetail detail, String nodeId) {
        return detail.tasks().stream().filter(t -> t.nodeId().equals(nodeId)).findFirst().orElseThrow();
    }

    private List<String> executionsOf(long runId) {
        String prefix = runId + "/";
        List<String> all = ScriptedExecutors.EXECUTIONS;
        return all.subList(executionsBefore, all.size()).stream().filter(e -> e.startsWith(prefix))
                .map(e -> e.substring(prefix.length())).toList();
    }

}
