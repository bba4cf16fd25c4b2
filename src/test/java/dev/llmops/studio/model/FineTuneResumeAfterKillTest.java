package dev.llmops.studio.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.studio.pipeline.GraphEdge;
import dev.llmops.studio.pipeline.GraphNode;
import dev.llmops.studio.pipeline.NodeTypeCatalog;
import dev.llmops.studio.pipeline.PipelineGraph;
import dev.llmops.studio.pipeline.PipelineService;
import dev.llmops.studio.run.MetricSeries;
import dev.llmops.studio.run.RunDetail;
import dev.llmops.studio.run.RunService;
import dev.llmops.studio.run.RunStatus;
import dev.llmops.studio.run.RunTrigger;
import dev.llmops.studio.run.TaskInfo;
import dev.llmops.studio.run.TaskLog;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.RunWait;
import dev.llmops.studio.support.ScriptedExecutors;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.support.StudioProcess;
import dev.llmops.studio.support.Users;
import dev.llmops.studio.worker.WorkerTokenService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * Real training on a remote worker JVM that is killed with SIGKILL after a checkpoint: a second worker resumes
 * from that checkpoint (weights, optimiser state, step counter), not from step 0, and the model still learns.
 */
@H2Test
@TestPropertySource(properties = ScriptedExecutors.REAL_MODEL_STEPS)
class FineTuneResumeAfterKillTest {

    private static final Pattern RESUMED = Pattern.compile("resumed from step (\\d+) of (\\d+).*");

    @LocalServerPort
    int port;
    @Autowired
    WorkerTokenService tokens;
    @Autowired
    PipelineService pipelines;
    @Autowired
    RunService runs;
    @Autowired
    Users users;

    private final List<Process> processes = new ArrayList<>();
    private String engineer;

    @AfterEach
    void stopWorkers() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void aKilledWorkersTrainingResumesFromItsLastCheckpointOnAnotherWorker() throws Exception {
        engineer = users.create("resume-engineer", Role.ML_ENGINEER);
        String admin = users.create("resume-admin", Role.ADMIN);
        String token = SignedIn.as(admin, List.of(Role.ADMIN), () -> tokens.create("trainers")).secret();
        Process first = worker("trainer-a", token);
        Map<String, Object> train = new HashMap<>(Map.of("method", "from-scratch", "preset", "tiny", "epochs", 2,
                "batchSize", 8, "maxLength", 160, "learningRate", 0.003, "evalEvery", 20, "checkpointEvery", 5,
                "earlyStoppingPatience", 0, "warmupSteps", 3));
        train.put(NodeTypeCatalog.WORKER_LABELS, "gpu-box");
        PipelineGraph graph = new PipelineGraph(null, List.of(
                new GraphNode("data", "dataset-upload", "Support replies", 0, 0, Map.of("dataset", "support-replies")),
                new GraphNode("train", "fine-tune", "Fine-tune", 260, 0, train)),
                List.of(new GraphEdge("e1", "data", "dataset", "train", "dataset")));
        long pipelineId = as(() -> pipelines.create(Users.uniqueName("resume"), null, graph, null).id());
        long runId = as(() -> runs.start(pipelineId, RunTrigger.API).id());

        RunWait.until(runs, engineer, Role.ML_ENGINEER, runId,
                d -> logOf(d).stream().anyMatch(l -> l.equals("checkpoint saved at step 10")), Duration.ofMinutes(3));
        first.destroyForcibly(); // SIGKILL mid-training: no goodbye, the lease just stops being renewed
        assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
        worker("trainer-b", token);
        RunDetail done = RunWait.finished(runs, engineer, Role.ML_ENGINEER, runId, Duration.ofMinutes(3));

        assertThat(done.summary().status()).as(String.join("\n", logOf(done))).isEqualTo(RunStatus.SUCCEEDED);
        TaskInfo step = task(done, "train");
        assertThat(step.attempt()).as("the killed attempt counts").isEqualTo(2);
        assertThat(step.workerId()).startsWith("trainer-b-");
        List<String> log = logOf(done);
        Matcher resumed = log.stream().map(RESUMED::matcher).filter(Matcher::matches).findFirst()
                .orElseThrow(() -> new AssertionError("no resume line in " + log));
        int from = Integer.parseInt(resumed.group(1));
        int total = Integer.parseInt(resumed.group(2));
        assertThat(from).as("the last checkpoint the killed worker saved").isGreaterThanOrEqualTo(10)
                .isLessThan(total).matches(s -> s % 5 == 0, "a checkpoint step");
        int firstStepAfterResume = log.subList(log.indexOf(resumed.group()), log.size()).stream()
                .filter(l -> l.startsWith("step ")).findFirst().map(l -> Integer.parseInt(l.split("[ /]")[1]))
                .orElseThrow();
        assertThat(firstStepAfterResume).as("the retry goes on after the checkpoint (the log shows every 2nd step)")
                .isBetween(from + 1, from + 2);
        assertThat(log).filteredOn(l -> l.startsWith("before training")).as("validation before training ran once")
                .hasSize(1);
        Map<String, MetricSeries> series = new HashMap<>();
        as(() -> runs.metrics(runId)).stream().filter(m -> m.nodeId().equals("train")).findFirst().orElseThrow()
                .series().forEach(s -> series.put(s.name(), s));
        assertThat(series.get("train_loss").points()).as("one point per step across both attempts")
                .isEqualTo(total);
        var validation = series.get("val_loss").samples();
        assertThat(validation.get(validation.size() - 1).value()).as("the resumed model kept learning")
                .isLessThan(0.75 * validation.get(0).value());
        assertThat(step.outputs()).containsKey("model");
    }

    private Process worker(String name, String token) throws Exception {
        Process process = StudioProcess.start(name, "384m", List.of("worker", "--server-url=http://localhost:" + port,
                "--name=" + name, "--labels=gpu-box", "--slots=1",
                "--work-dir=" + StudioProcess.LOGS.resolve(name + "-work"), "--studio.worker.token=" + token,
                "--" + ScriptedExecutors.REAL_EXECUTORS + "=fine-tune"));
        processes.add(process);
        return process;
    }

    private List<String> logOf(RunDetail detail) {
        try {
            return as(() -> runs.log(task(detail, "train").id(), 0, 1000)).stream().map(TaskLog::line).toList();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static TaskInfo task(RunDetail detail, String nodeId) {
        return detail.tasks().stream().filter(t -> t.nodeId().equals(nodeId)).findFirst().orElseThrow();
    }

    private <T> T as(Callable<T> action) throws Exception {
        return SignedIn.as(engineer, List.of(Role.ML_ENGINEER), action);
    }
}
