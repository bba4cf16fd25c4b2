package dev.llmops.studio.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmops.studio.pipeline.GraphEdge;
import dev.llmops.studio.pipeline.PipelineGraph;
import dev.llmops.studio.pipeline.PipelineService;
import dev.llmops.studio.pipeline.PipelineTemplates;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.support.Http;
import dev.llmops.studio.support.ScriptedExecutors;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.support.Users;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Runs of the six-step template through the embedded worker with scripted executors: success, retries,
 * failure, cancellation, metrics. Real database (see the subclasses), real Quartz reaper, real worker threads.
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
    @Autowired
    TaskDispatcher dispatcher;
    @LocalServerPort
    int port;

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
        assertThat(log).extracting(TaskLog::line).as("the demo dataset's first example, split included")
                .anyMatch(line -> line.startsWith("read dataset: {\"split\":"));
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
    void aStepWaitingForPeopleHoldsNoWorkerAndRunsAgainWhenWokenOrAtItsDeadline() {
        java.util.concurrent.atomic.AtomicInteger executions = new java.util.concurrent.atomic.AtomicInteger();
        ScriptedExecutors.script("quantize", context -> {
            switch (executions.incrementAndGet()) {
                case 1 -> throw new StepWaitsException("waiting for an approval", null);
                case 2 -> throw new StepWaitsException("waiting until the deadline",
                        java.time.Instant.now().plusSeconds(1));
                default -> context.log("people have acted");
            }
        });
        RunSummary started = as(() -> runs.start(pipelineId, RunTrigger.MANUAL));
        RunDetail waiting = awaitTask(started.id(), "quantize", t -> t.status() == TaskStatus.WAITING);
        assertThat(waiting.summary().status()).isEqualTo(RunStatus.RUNNING);
        assertThat(task(waiting, "quantize").message()).isEqualTo("waiting for an approval");
        assertThat(task(waiting, "quantize").workerId()).isNull();
        assertThat(dispatcher.wake(started.id(), "finetune", "not waiting")).isFalse();

        assertThat(dispatcher.wake(started.id(), "quantize", "approved")).isTrue();
        awaitTask(started.id(), "quantize", t -> "waiting until the deadline".equals(t.message()));
        RunDetail done = awaitRun(started.id(), RunStatus::finished);
        assertThat(done.summary().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(executions).hasValue(3);
        assertThat(task(done, "quantize").attempt()).as("waiting spends no attempt").isEqualTo(1);
    }

    @Test
    void cancellingARunEndsAWaitingStep() {
        ScriptedExecutors.script("quantize", context -> {
            throw new StepWaitsException("waiting for reviews", null);
        });
        RunSummary started = as(() -> runs.start(pipelineId, RunTrigger.MANUAL));
        awaitTask(started.id(), "quantize", t -> t.status() == TaskStatus.WAITING);
        as(() -> {
            runs.cancel(started.id());
            return null;
        });
        RunDetail done = awaitRun(started.id(), RunStatus::finished);
        assertThat(done.summary().status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(task(done, "quantize").status()).isEqualTo(TaskStatus.CANCELLED);
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
                        java.util.Map.of("dataset", "support-replies")),
                new dev.llmops.studio.pipeline.GraphNode("ft", "fine-tune", "Train", 260, 0, java.util.Map.of()),
                new dev.llmops.studio.pipeline.GraphNode("upB", "dataset-upload", "Data B", 260, 140,
                        java.util.Map.of("dataset", "support-replies")),
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
    void stepsReportMetricSeriesThatOnlyTheWorkerHoldingTheTaskCanWrite() {
        AtomicReference<Boolean> intruderAccepted = new AtomicReference<>();
        ScriptedExecutors.script("finetune", context -> {
            for (int step = 0; step < 30; step++) {
                context.metric("train_loss", step, 3.0 / (step + 1));
                if (step % 10 == 9) {
                    context.metric("val_loss", step, 2.0 - step * 0.01);
                }
            }
            context.metric("train_loss", 5, 0.25); // a resumed attempt reporting step 5 again
            context.metric("learning_rate", 0, Double.NaN);
            context.metric("learning_rate", 0, 3e-4);
            intruderAccepted.set(dispatcher.metrics(context.taskId(), "worker-that-does-not-hold-it",
                    List.of(new MetricPoint("train_loss", 999, 42.0))));
        });
        RunSummary started = as(() -> runs.start(pipelineId, RunTrigger.MANUAL));
        RunDetail done = awaitRun(started.id(), RunStatus::finished);
        assertThat(done.summary().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(intruderAccepted.get()).as("a worker that does not hold the task is refused").isFalse();

        List<TaskMetrics> metrics = as(() -> runs.metrics(started.id()));
        assertThat(metrics).extracting(TaskMetrics::nodeId).containsExactly("finetune");
        TaskMetrics fineTune = metrics.get(0);
        assertThat(fineTune.taskId()).isEqualTo(task(done, "finetune").id());
        assertThat(fineTune.nodeLabel()).isEqualTo(task(done, "finetune").nodeLabel());
        assertThat(fineTune.series()).extracting(MetricSeries::name)
                .containsExactly("learning_rate", "train_loss", "val_loss");
        MetricSeries train = series(fineTune, "train_loss");
        assertThat(train.points()).isEqualTo(30);
        assertThat(train.downsampled()).isFalse();
        assertThat(train.samples()).extracting(MetricSample::step)
                .containsExactlyElementsOf(LongStream.range(0, 30).boxed().toList());
        assertThat(train.samples().get(2).value()).isEqualTo(1.0);
        assertThat(train.samples().get(5).value()).as("the later report of step 5 replaced the first").isEqualTo(0.25);
        assertThat(series(fineTune, "val_loss").samples()).extracting(MetricSample::step).containsExactly(9L, 19L, 29L);
        assertThat(series(fineTune, "learning_rate").samples()).as("NaN dropped")
                .containsExactly(new MetricSample(0, 3e-4));

        // once the task has finished, not even the worker that ran it holds it
        String ranOn = task(done, "finetune").workerId();
        assertThat(ranOn).isNotNull();
        assertThat(dispatcher.metrics(fineTune.taskId(), ranOn, List.of(new MetricPoint("train_loss", 30, 0.1))))
                .isFalse();
        assertThat(series(as(() -> runs.metrics(started.id())).get(0), "train_loss").points()).isEqualTo(30);

        // the same over REST
        Http http = new Http(port);
        String token = users.tokenFor(engineer, Role.ML_ENGINEER);
        Http.Response response = http.get("/api/v1/runs/" + started.id() + "/metrics", token);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode step = response.json().get(0);
        assertThat(step.get("nodeId").asText()).isEqualTo("finetune");
        JsonNode trainJson = null;
        for (JsonNode s : step.get("series")) {
            if (s.get("name").asText().equals("train_loss")) {
                trainJson = s;
            }
        }
        assertThat(trainJson).isNotNull();
        assertThat(trainJson.get("points").asLong()).isEqualTo(30);
        assertThat(trainJson.get("downsampled").asBoolean(true)).isFalse();
        assertThat(trainJson.get("samples")).hasSize(30);
        assertThat(trainJson.get("samples").get(0).get("step").asLong()).isZero();
        assertThat(trainJson.get("samples").get(0).get("value").asDouble()).isEqualTo(3.0);
        assertThat(http.get("/api/v1/runs/" + Long.MAX_VALUE + "/metrics", token).status()).isEqualTo(404);
        assertThat(http.get("/api/v1/runs/" + started.id() + "/metrics", null).status()).isEqualTo(401);
    }

    @Test
    void longSeriesComeBackAsEvenlySpacedPointsWithTheFirstAndLast() {
        int total = 5003;
        AtomicReference<Boolean> accepted = new AtomicReference<>();
        ScriptedExecutors.script("finetune", context -> {
            // what a remote worker does: buffer the points, send them in one call
            String holder = as(() -> runs.detail(context.runId())).tasks().stream()
                    .filter(t -> t.id() == context.taskId()).findFirst().orElseThrow().workerId();
            List<MetricPoint> points = LongStream.range(0, total)
                    .mapToObj(step -> new MetricPoint("train_loss", step, 1.0 / (step + 1))).toList();
            accepted.set(dispatcher.metrics(context.taskId(), holder, points));
            context.metric("val_loss", 0, 1.5);
            context.metric("val_loss", total - 1, 0.5);
        });
        RunSummary started = as(() -> runs.start(pipelineId, RunTrigger.MANUAL));
        RunDetail done = awaitRun(started.id(), RunStatus::finished);
        assertThat(done.summary().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(accepted.get()).isTrue();

        TaskMetrics fineTune = as(() -> runs.metrics(started.id())).get(0);
        MetricSeries train = series(fineTune, "train_loss");
        assertThat(train.points()).isEqualTo(total);
        assertThat(train.downsampled()).isTrue();
        assertThat(train.samples()).hasSize(RunService.MAX_POINTS_PER_SERIES);
        List<Long> steps = train.samples().stream().map(MetricSample::step).toList();
        assertThat(steps.get(0)).isZero();
        assertThat(steps.get(steps.size() - 1)).isEqualTo(total - 1);
        long minGap = (total - 1) / (RunService.MAX_POINTS_PER_SERIES - 1);
        for (int i = 1; i < steps.size(); i++) {
            assertThat(steps.get(i) - steps.get(i - 1)).as("gap before sample %d", i).isBetween(minGap, minGap + 1);
        }
        assertThat(train.samples()).allSatisfy(s -> assertThat(s.value()).isEqualTo(1.0 / (s.step() + 1)));
        MetricSeries val = series(fineTune, "val_loss");
        assertThat(val.downsampled()).isFalse();
        assertThat(val.samples()).containsExactly(new MetricSample(0, 1.5), new MetricSample(total - 1, 0.5));
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

    private static MetricSeries series(TaskMetrics metrics, String name) {
        return metrics.series().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
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
