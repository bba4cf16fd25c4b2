package dev.llmops.studio.worker;

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
import dev.llmops.studio.run.TaskStatus;
import dev.llmops.studio.security.Role;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import dev.llmops.studio.support.BrowserSupport;
import dev.llmops.studio.support.BrowserSupport.UserSession;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.ScriptedExecutors;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.support.StudioProcess;
import dev.llmops.studio.support.Users;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Remote workers as real separate JVMs started from the same classpath with the README's worker command. One is
 * killed with SIGKILL in the middle of a step: the step's lease expires, it is re-queued, a second remote worker
 * finishes it, and its output exists once. Revoking the token then stops the surviving worker.
 */
@H2Test
class RemoteWorkerTest {

    private static final String ENGINEER = "remote-engineer";

    @LocalServerPort
    int port;
    @Autowired
    WorkerTokenService tokens;
    @Autowired
    WorkerService workers;
    @Autowired
    PipelineService pipelines;
    @Autowired
    RunService runs;
    @Autowired
    Users users;
    @Value("${studio.artifacts.dir}")
    Path artifacts;

    private final List<Process> processes = new ArrayList<>();
    private String admin;

    @AfterEach
    void stopWorkers() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void aKilledRemoteWorkersStepIsRetriedOnAnotherAndItsOutputExistsOnce() throws Exception {
        String token = tokenFromTheWorkersScreen();
        Process first = worker("box-a", token);
        long pipelineId = as(() -> pipelines.create("remote steps", null, graph(), null).id());
        long runId = as(() -> runs.start(pipelineId, RunTrigger.API).id());

        RunDetail running = await(runId, d -> task(d, "slow-train").status() == TaskStatus.RUNNING
                && task(d, "slow-train").progress() > 0.3, Duration.ofSeconds(90));
        assertThat(task(running, "upload").workerId()).startsWith("box-a-");
        assertThat(task(running, "slow-train").workerId()).startsWith("box-a-");
        first.destroyForcibly(); // SIGKILL: no goodbye, no report, the lease just stops being renewed
        assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();

        Process second = worker("box-b", token);
        RunDetail done = await(runId, d -> d.summary().status().finished(), Duration.ofSeconds(120));

        assertThat(done.summary().status()).isEqualTo(RunStatus.SUCCEEDED);
        TaskInfo train = task(done, "slow-train");
        assertThat(train.attempt()).as("the killed attempt counts").isEqualTo(2);
        assertThat(train.workerId()).startsWith("box-b-");
        assertThat(task(done, "upload").attempt()).isEqualTo(1);
        assertThat(task(done, "check").workerId()).as("an unlabelled step may run anywhere").isNotNull();

        String model = ScriptedExecutors.outputContent(runId, "slow-train", "model");
        assertThat(train.outputs()).containsExactly(Map.entry("model", "sha256:" + sha256(model)));
        List<String> checkLog = as(() -> runs.log(task(done, "check").id(), 0, 100)).stream()
                .map(TaskLog::line).toList();
        assertThat(checkLog).as("the successor read the output once, intact").containsOnlyOnce("read model: " + model);
        List<String> trainLog = as(() -> runs.log(train.id(), 0, 100)).stream().map(TaskLog::line).toList();
        assertThat(trainLog).as("the retry resumed from the killed worker's checkpoint, not from zero")
                .anyMatch(l -> l.matches("resumed from step (1[05]|[2-5][05])"));
        assertThat(trainLog).anyMatch(l -> l.startsWith("scripted fine-tune attempt 1"))
                .anyMatch(l -> l.startsWith("scripted fine-tune attempt 2"))
                .contains("read dataset: " + ScriptedExecutors.outputContent(runId, "upload", "dataset"));
        List<MetricSeries> trainMetrics = as(() -> runs.metrics(runId)).stream()
                .filter(m -> m.nodeId().equals("slow-train")).findFirst().orElseThrow().series();
        assertThat(trainMetrics).extracting(MetricSeries::name).containsExactly("train_loss");
        assertThat(trainMetrics.get(0).points()).as("every step of the finishing attempt, sent over HTTP")
                .isGreaterThanOrEqualTo(ScriptedExecutors.SLOW.toMillis() / 100);
        assertThat(storedCopiesOf(model)).as("the model artifact is stored exactly once").isEqualTo(1);
        try (Stream<Path> partial = Files.list(artifacts.resolve("incoming"))) {
            assertThat(partial).as("no half-written uploads left behind").isEmpty();
        }

        List<WorkerInfo> remote = SignedIn.as("admin", List.of(Role.ADMIN), () -> workers.list()).stream()
                .filter(w -> w.kind() == WorkerKind.REMOTE).toList();
        assertThat(remote).extracting(WorkerInfo::name).contains("box-a", "box-b");
        assertThat(remote).allSatisfy(w -> assertThat(w.capabilities().labels()).containsExactly("remote"));

        try (BrowserSupport browser = new BrowserSupport(port); UserSession session = browser.newSession()) {
            session.signInExpectingSuccess(admin, Users.PASSWORD);
            session.open("/workers");
            PlaywrightAssertions.assertThat(session.page.locator("#workers-grid")).containsText("box-b");
            PlaywrightAssertions.assertThat(session.page.locator("#workers-grid")).containsText("remote");
            session.screenshot("workers-with-remote");
        }
        long tokenId = SignedIn.as("admin", List.of(Role.ADMIN), () -> tokens.list()).get(0).id();
        SignedIn.run("admin", List.of(Role.ADMIN), () -> tokens.revoke(tokenId));
        assertThat(second.waitFor(30, TimeUnit.SECONDS)).as("a revoked token stops its worker").isTrue();
        assertThat(second.exitValue()).isEqualTo(RemoteWorker.EXIT_REJECTED);
        assertThat(SignedIn.as("admin", List.of(Role.ADMIN), () -> workers.list()).stream()
                .filter(w -> w.name().equals("box-b")).findFirst().orElseThrow().state())
                .as("revoking takes the token's workers offline, so a lease request still waiting gets nothing")
                .isEqualTo(WorkerState.OFFLINE);
    }

    /** An admin creates the token on the workers screen; the dialog shows it once with the command to run. */
    private String tokenFromTheWorkersScreen() {
        admin = users.create("fleet-admin", Role.ADMIN);
        try (BrowserSupport browser = new BrowserSupport(port); UserSession session = browser.newSession()) {
            session.signInExpectingSuccess(admin, Users.PASSWORD);
            session.open("/workers");
            session.page.locator("#worker-token-name input").fill("test machines");
            session.page.locator("#create-worker-token").click();
            Locator dialog = session.page.locator("#worker-token-created-dialog");
            PlaywrightAssertions.assertThat(session.page.locator("#worker-command"))
                    .containsText("java -jar llmops-studio.jar worker --server-url=http://localhost:" + port
                            + " --token=lwt_");
            String secret = session.page.locator("#worker-token-secret input").inputValue();
            PlaywrightAssertions.assertThat(session.page.locator("#worker-command")).containsText(secret);
            session.screenshot("worker-token-created");
            session.page.getByText("Done").click();
            PlaywrightAssertions.assertThat(dialog).isHidden();
            PlaywrightAssertions.assertThat(session.page.locator("#worker-tokens-grid"))
                    .containsText(secret.substring(0, 12) + "…");
            assertThat(session.consoleErrors).isEmpty();
            return secret;
        }
    }

    /** upload → slow-train (both only on workers labelled "remote") → check (anywhere). */
    private static PipelineGraph graph() {
        Map<String, Object> remoteOnly = Map.of(NodeTypeCatalog.WORKER_LABELS, "remote");
        Map<String, Object> upload = new java.util.HashMap<>(remoteOnly);
        upload.put("dataset", "support-replies");
        return new PipelineGraph(null, List.of(
                new GraphNode("upload", "dataset-upload", "Upload", 0, 0, upload),
                new GraphNode("slow-train", "fine-tune", "Train", 260, 0, remoteOnly),
                new GraphNode("check", "quantize", "Check", 520, 0, Map.of())),
                List.of(new GraphEdge("e1", "upload", "dataset", "slow-train", "dataset"),
                        new GraphEdge("e2", "slow-train", "model", "check", "model")));
    }

    /** The README's command, {@code java -jar llmops-studio.jar worker …}, on the test classpath. */
    private Process worker(String name, String token) throws Exception {
        Process process = StudioProcess.start(name, "256m", List.of("worker", "--server-url=http://localhost:" + port,
                "--name=" + name, "--labels=remote", "--slots=1",
                "--work-dir=" + StudioProcess.LOGS.resolve(name + "-work"), "--studio.worker.token=" + token));
        processes.add(process);
        return process;
    }

    private long storedCopiesOf(String content) throws Exception {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(artifacts.resolve("objects"))) {
            return files.filter(Files::isRegularFile).filter(f -> {
                try {
                    return Files.size(f) == bytes.length && java.util.Arrays.equals(Files.readAllBytes(f), bytes);
                } catch (java.io.IOException e) {
                    return false;
                }
            }).count();
        }
    }

    private static String sha256(String content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(content.getBytes(StandardCharsets.UTF_8)));
    }

    private static TaskInfo task(RunDetail detail, String nodeId) {
        return detail.tasks().stream().filter(t -> t.nodeId().equals(nodeId)).findFirst().orElseThrow();
    }

    private RunDetail await(long runId, Predicate<RunDetail> condition, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        RunDetail detail = as(() -> runs.detail(runId));
        while (!condition.test(detail)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out; run is " + detail.summary() + " with tasks " + detail.tasks()
                        + "; worker logs in " + StudioProcess.LOGS.toAbsolutePath());
            }
            Thread.sleep(200);
            detail = as(() -> runs.detail(runId));
        }
        return detail;
    }

    private static <T> T as(Callable<T> action) {
        return SignedIn.as(ENGINEER, List.of(Role.ML_ENGINEER), action);
    }
}
