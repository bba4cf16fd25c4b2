package dev.llmops.studio.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.studio.StudioApplication;
import dev.llmops.studio.pipeline.GraphEdge;
import dev.llmops.studio.pipeline.GraphNode;
import dev.llmops.studio.pipeline.PipelineGraph;
import dev.llmops.studio.pipeline.PipelineService;
import dev.llmops.studio.pipeline.PipelineTemplates;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.security.users.UserAccountService;
import dev.llmops.studio.support.ScriptedExecutors;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.support.StudioProcess;
import dev.llmops.studio.support.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Whole servers on one PostgreSQL: two of them share a big run (each task exactly once), and a run survives its
 * server being stopped, or its server process being killed, and another one starting. Each server is a full application context with its own web
 * port, Quartz scheduler (clustered) and embedded worker.
 */
class ServerFailoverTest {

    private static final String ENGINEER = "cluster-engineer";
    private final List<ConfigurableApplicationContext> servers = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(ConfigurableApplicationContext::close);
        ScriptedExecutors.reset();
    }

    @Test
    void twoServersShareA200TaskRunAndRunEveryTaskExactlyOnce() {
        String database = TestDatabase.Postgres.newDatabase();
        ConfigurableApplicationContext first = server(database);
        ConfigurableApplicationContext second = server(database);
        int before = ScriptedExecutors.EXECUTIONS.size();

        long pipelineId = as(first, () -> first.getBean(PipelineService.class)
                .create("two hundred steps", null, chains(40), null).id());
        long runId = as(first, () -> first.getBean(RunService.class).start(pipelineId, RunTrigger.MANUAL).id());
        RunDetail done = await(first, runId, d -> d.summary().status().finished(), Duration.ofSeconds(120));

        assertThat(done.summary().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(done.tasks()).hasSize(200).allSatisfy(t -> assertThat(t.attempt()).isEqualTo(1));
        List<String> executions = ScriptedExecutors.EXECUTIONS.subList(before, ScriptedExecutors.EXECUTIONS.size())
                .stream().filter(e -> e.startsWith(runId + "/")).toList();
        assertThat(executions).hasSize(200).doesNotHaveDuplicates();
        Set<String> workers = new HashSet<>();
        done.tasks().forEach(t -> workers.add(t.workerId()));
        assertThat(workers).as("both servers' embedded workers took tasks").hasSize(2).doesNotContainNull();
        assertThat(second.isRunning()).isTrue();
    }

    @Test
    void aRunContinuesAfterItsServerStopsAndAnotherStarts() {
        String database = TestDatabase.Postgres.newDatabase();
        ConfigurableApplicationContext first = server(database);
        PipelineGraph template = first.getBean(PipelineTemplates.class).get("fine-tune-and-deploy").graph();
        long pipelineId = as(first, () -> first.getBean(PipelineService.class)
                .create("survivor", null, template, null).id());
        ScriptedExecutors.script("finetune", context -> {
            for (int i = 0; i < 30 && !context.cancelRequested(); i++) {
                context.progress(i / 30.0);
                Thread.sleep(100);
            }
        });
        long runId = as(first, () -> first.getBean(RunService.class).start(pipelineId, RunTrigger.MANUAL).id());
        await(first, runId, d -> task(d, "finetune").status() == TaskStatus.RUNNING, Duration.ofSeconds(30));

        first.close();
        servers.remove(first);
        ConfigurableApplicationContext replacement = server(database);
        RunDetail done = await(replacement, runId, d -> d.summary().status().finished(), Duration.ofSeconds(60));

        assertThat(done.summary().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(task(done, "finetune").attempt()).as("the interrupted attempt counts").isEqualTo(2);
        assertThat(done.tasks()).allSatisfy(t -> assertThat(t.status()).isEqualTo(TaskStatus.SUCCEEDED));
    }

    /**
     * A crash rather than a stop: the server is a separate process killed with SIGKILL in the middle of a step (no
     * shutdown hooks, no "interrupted" report). A new server process on the same database re-queues the step once
     * its lease expires and finishes the run. The test JVM only watches: its context runs no worker and no
     * scheduler.
     */
    @Test
    void aRunSurvivesItsServerProcessBeingKilled() throws Exception {
        String database = TestDatabase.Postgres.newDatabase();
        ConfigurableApplicationContext observer = server(database, "studio.worker.embedded.enabled=false",
                "spring.quartz.auto-startup=false");
        List<String> serverArguments = new ArrayList<>();
        for (String property : TestDatabase.Postgres.properties(database)) {
            serverArguments.add("--" + property);
        }
        serverArguments.addAll(List.of("--server.port=0", "--studio.worker.embedded.slots=2",
                "--spring.main.banner-mode=off"));
        Process first = StudioProcess.start("crashing-server", "512m", serverArguments);
        processes.add(first);
        try {
            long pipelineId = as(observer, () -> observer.getBean(PipelineService.class)
                    .create("crash survivor", null, slowChain(), null).id());
            long runId = as(observer, () -> observer.getBean(RunService.class).start(pipelineId, RunTrigger.API).id());
            RunDetail running = await(observer, runId, d -> task(d, "slow-train").status() == TaskStatus.RUNNING
                    && task(d, "slow-train").progress() > 0.3, Duration.ofSeconds(120));
            assertThat(task(running, "slow-train").workerId()).startsWith("embedded-" + first.pid() + "-");

            first.destroyForcibly();
            assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
            Process second = StudioProcess.start("restarted-server", "512m", serverArguments);
            processes.add(second);

            RunDetail done = await(observer, runId, d -> d.summary().status().finished(), Duration.ofSeconds(150));
            assertThat(done.summary().status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(task(done, "slow-train").attempt()).as("the attempt lost in the crash counts").isEqualTo(2);
            assertThat(task(done, "slow-train").workerId()).startsWith("embedded-" + second.pid() + "-");
            assertThat(as(observer, () -> observer.getBean(RunService.class).log(task(done, "slow-train").id(), 0, 100))
                    .stream().map(TaskLog::line).toList()).as("resumed from the crashed server's checkpoint")
                    .anyMatch(l -> l.matches("resumed from step [1-5][05]"));
            assertThat(task(done, "upload").attempt()).isEqualTo(1);
            assertThat(as(observer, () -> observer.getBean(RunService.class).log(task(done, "check").id(), 0, 100))
                    .stream().map(TaskLog::line).toList()).as("the step after the crash got the finished output")
                    .contains("read model: " + ScriptedExecutors.outputContent(runId, "slow-train", "model"));
        } finally {
            processes.forEach(Process::destroyForcibly);
        }
    }

    /** upload → slow-train (takes {@link ScriptedExecutors#SLOW}) → check. */
    private static PipelineGraph slowChain() {
        return new PipelineGraph(null, List.of(
                new GraphNode("upload", "dataset-upload", "Upload", 0, 0, Map.of("dataset", "support-replies")),
                new GraphNode("slow-train", "fine-tune", "Train", 260, 0, Map.of()),
                new GraphNode("check", "quantize", "Check", 520, 0, Map.of())),
                List.of(new GraphEdge("e1", "upload", "dataset", "slow-train", "dataset"),
                        new GraphEdge("e2", "slow-train", "model", "check", "model")));
    }

    private ConfigurableApplicationContext server(String database, String... extra) {
        List<String> properties = new ArrayList<>(List.of(TestDatabase.Postgres.properties(database)));
        properties.addAll(List.of("server.port=0", "studio.security.initial-admin-password=cluster-admin-password",
                "studio.worker.embedded.slots=4"));
        properties.addAll(List.of(extra));
        // as command-line arguments, which outrank application.properties (builder properties would not)
        ConfigurableApplicationContext context = new SpringApplicationBuilder(StudioApplication.class)
                .run(properties.stream().map(p -> "--" + p).toArray(String[]::new));
        servers.add(context);
        SignedIn.run("admin", List.of(Role.ADMIN), () -> {
            UserAccountService accounts = context.getBean(UserAccountService.class);
            if (accounts.list().stream().noneMatch(u -> u.username().equals(ENGINEER))) {
                accounts.create(new UserAccountService.NewUser(ENGINEER, null, "cluster-engineer-password",
                        Set.of(Role.ML_ENGINEER)));
            }
        });
        return context;
    }

    /** {@code count} chains of five steps: upload → fine-tune → quantize → deploy → prompt test. */
    private static PipelineGraph chains(int count) {
        List<GraphNode> nodes = new ArrayList<>();
        List<GraphEdge> edges = new ArrayList<>();
        String[][] steps = {{"dataset-upload", "dataset"}, {"fine-tune", "model"}, {"quantize", "model"},
                {"deploy", "endpoint"}, {"prompt-test", "report"}};
        String[] inputs = {null, "dataset", "model", "model", "endpoint"};
        for (int c = 0; c < count; c++) {
            for (int s = 0; s < steps.length; s++) {
                String id = "c" + c + "s" + s;
                Map<String, Object> params = switch (steps[s][0]) {
                    case "dataset-upload" -> Map.of("dataset", "support-replies");
                    case "deploy" -> Map.of("endpointName", "endpoint-" + c);
                    default -> Map.of();
                };
                nodes.add(new GraphNode(id, steps[s][0], steps[s][0] + " " + c, s * 260, c * 140, params));
                if (s > 0) {
                    edges.add(new GraphEdge("e" + id, "c" + c + "s" + (s - 1), steps[s - 1][1], id, inputs[s]));
                }
            }
        }
        return new PipelineGraph(null, nodes, edges);
    }

    private static <T> T as(ConfigurableApplicationContext server, java.util.concurrent.Callable<T> action) {
        return SignedIn.as(ENGINEER, List.of(Role.ML_ENGINEER), action);
    }

    private static RunDetail await(ConfigurableApplicationContext server, long runId, Predicate<RunDetail> condition,
            Duration timeout) {
        RunService runs = server.getBean(RunService.class);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            RunDetail detail = as(server, () -> runs.detail(runId));
            if (condition.test(detail)) {
                return detail;
            }
            assertThat(System.nanoTime()).as("run %d: %s", runId, detail.summary()).isLessThan(deadline);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static TaskInfo task(RunDetail detail, String nodeId) {
        return detail.tasks().stream().filter(t -> t.nodeId().equals(nodeId)).findFirst().orElseThrow();
    }
}
