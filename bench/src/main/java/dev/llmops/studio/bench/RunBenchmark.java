package dev.llmops.studio.bench;

import dev.llmops.studio.StudioApplication;
import dev.llmops.studio.pipeline.GraphEdge;
import dev.llmops.studio.pipeline.GraphNode;
import dev.llmops.studio.pipeline.NodeType;
import dev.llmops.studio.pipeline.NodeTypeCatalog;
import dev.llmops.studio.pipeline.PipelineGraph;
import dev.llmops.studio.pipeline.PipelineService;
import dev.llmops.studio.pipeline.PipelineSummary;
import dev.llmops.studio.pipeline.ValidationIssue;
import dev.llmops.studio.run.RunDetail;
import dev.llmops.studio.run.RunService;
import dev.llmops.studio.run.RunStatus;
import dev.llmops.studio.run.RunSummary;
import dev.llmops.studio.run.RunTrigger;
import dev.llmops.studio.run.TaskDispatcher;
import dev.llmops.studio.run.TaskInfo;
import dev.llmops.studio.run.TaskStatus;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.security.users.UserAccountService;
import dev.llmops.studio.worker.WorkerKind;
import dev.llmops.studio.worker.WorkerService;
import dev.llmops.studio.worker.WorkerState;
import dev.llmops.studio.worker.WorkerTokenService;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import org.aopalliance.intercept.MethodInterceptor;
import org.springframework.aop.framework.Advised;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.core.context.SecurityContext;

/**
 * The run-engine benchmark (run with {@code bench/runs.sh}): the real application (random port, fresh in-memory
 * H2 in PostgreSQL mode, embedded worker with 4 slots) running generated, valid pipelines whose steps are the
 * test suite's scripted no-op executors ({@code ScriptedExecutors}, on the test classpath).
 *
 * <ul>
 * <li>hand-off latency: a 101-step chain (every step has exactly one predecessor), 1 warm-up run and 5 measured
 * runs, 500 hand-offs; for every edge, successor {@code startedAt} − predecessor {@code finishedAt} as the
 * database recorded them; p50, p95 and max; then the same on a remote worker JVM over loopback HTTP;</li>
 * <li>a 500-step fan-out/fan-in DAG: time from {@link RunService#start} until the run is SUCCEEDED (polled every
 * 20 ms), 1 warm-up attempt and then attempts until 3 runs have succeeded. A run that stalls (steps left PENDING
 * although their predecessors succeeded, nothing queued or running) is reported with the evidence, cancelled
 * and not counted.</li>
 * </ul>
 *
 * A timing interceptor on {@link TaskDispatcher} (added outermost, so it includes each call's transaction and
 * commit) says where the engine's time goes. Figures are printed, never asserted; copy them into
 * docs/benchmarks.md with the machine and date.
 */
public final class RunBenchmark {

    private static final int SLOTS = 4;
    private static final int CHAIN_UNITS = 20;
    private static final int CHAIN_STEPS = 1 + 5 * CHAIN_UNITS;
    private static final int CHAIN_WARMUPS = 1;
    private static final int CHAIN_RUNS = 5;
    private static final int DAG_BRANCHES = 124;
    private static final int DAG_STEPS = 500;
    private static final int DAG_EDGES = 745;
    private static final int DAG_WARMUPS = 1;
    private static final int DAG_RUNS = 3;
    /** Measured DAG attempts at most, to get {@link #DAG_RUNS} that end (see {@link #awaitEnd} on stalls). */
    private static final int DAG_MAX_ATTEMPTS = 10;
    /** No step finished for this long and none queued, leased or running: the run will never end by itself. */
    private static final Duration STALL = Duration.ofSeconds(3);
    private static final long POLL_MS = 20;
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);
    private static final double GOAL_HANDOFF_EMBEDDED_MS = 50;
    private static final double GOAL_HANDOFF_REMOTE_MS = 300;
    private static final double GOAL_DAG_MS = 30_000;
    private static final int COLUMN_GAP = 280;
    private static final int ROW_GAP = 200;

    /** Benchmark-only credentials of a throw-away in-memory database; never used anywhere else. */
    private static final String ADMIN_PASSWORD = "bench-only-admin-passphrase";
    private static final String ENGINEER = "bench-engineer";
    private static final String ENGINEER_PASSWORD = "bench-only-engineer-passphrase";

    private RunBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int exitCode = 0;
        ConfigurableApplicationContext app = null;
        try {
            log("starting the application (fresh in-memory H2, embedded worker with " + SLOTS + " slots)");
            app = start();
            run(app);
        } catch (Throwable e) {
            e.printStackTrace();
            exitCode = 1;
        } finally {
            if (app != null) {
                exitCode = Math.max(exitCode, SpringApplication.exit(app));
            }
        }
        System.out.flush();
        // exec:java runs us inside Maven's JVM; leftover pool threads (Quartz, H2, worker slots) must not keep it up
        System.exit(exitCode);
    }

    private static ConfigurableApplicationContext start() throws IOException {
        String database = "jdbc:h2:mem:run-bench-" + UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
        Path workDir = Files.createTempDirectory("run-bench-worker-");
        workDir.toFile().deleteOnExit();
        SpringApplication application = new SpringApplication(StudioApplication.class);
        return application.run(
                "--server.port=0",
                "--spring.datasource.url=" + database,
                "--spring.datasource.username=sa",
                "--spring.datasource.password=",
                "--vaadin.productionMode=true",
                "--vaadin.launch-browser=false",
                "--studio.security.initial-admin-password=" + ADMIN_PASSWORD,
                "--studio.worker.embedded.enabled=true",
                "--studio.worker.embedded.slots=" + SLOTS,
                "--studio.worker.work-dir=" + workDir,
                "--spring.main.banner-mode=off",
                "--logging.level.root=WARN");
    }

    private static void run(ConfigurableApplicationContext app) throws Exception {
        UserAccountService accounts = app.getBean(UserAccountService.class);
        PipelineService pipelines = app.getBean(PipelineService.class);
        RunService runService = app.getBean(RunService.class);
        NodeTypeCatalog catalog = app.getBean(NodeTypeCatalog.class);
        Probe probe = Probe.install(app.getBean(TaskDispatcher.class));

        as("admin", Role.ADMIN, () -> accounts.create(new UserAccountService.NewUser(ENGINEER, "Benchmark engineer",
                ENGINEER_PASSWORD, Set.of(Role.ML_ENGINEER))));

        PipelineGraph chain = chain(catalog);
        PipelineGraph dag = dag(catalog);
        long chainId = createValid(pipelines, "Run benchmark: chain", chain, CHAIN_STEPS, CHAIN_STEPS - 1);
        long dagId = createValid(pipelines, "Run benchmark: 500-step DAG", dag, DAG_STEPS, DAG_EDGES);

        HandOffFigures handOff = as(ENGINEER, Role.ML_ENGINEER, () -> measureHandOff(runService, chainId, probe));
        DagFigures dagFigures = as(ENGINEER, Role.ML_ENGINEER, () -> measureDag(runService, dagId, probe));
        HandOffFigures remote = measureRemoteHandOff(app, chainId, probe);
        printSummary(handOff, remote, dagFigures, probe.installed());
    }

    /**
     * The same chain on a remote worker: a separate JVM started with the README's worker command (on this
     * classpath, so it has the scripted executors) talking HTTP over loopback, while the embedded worker is
     * disabled.
     */
    private static HandOffFigures measureRemoteHandOff(ConfigurableApplicationContext app, long chainId, Probe probe)
            throws Exception {
        WorkerService workers = app.getBean(WorkerService.class);
        String embedded = as("admin", Role.ADMIN, () -> workers.list()).stream()
                .filter(w -> w.kind() == WorkerKind.EMBEDDED && w.state() == WorkerState.ONLINE).findFirst()
                .orElseThrow().id();
        String token = as("admin", Role.ADMIN, () -> app.getBean(WorkerTokenService.class).create("bench").secret());
        as("admin", Role.ADMIN, () -> {
            workers.setState(embedded, WorkerState.DISABLED);
            return null;
        });
        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        Path workDir = Files.createTempDirectory("run-bench-remote-");
        Path logFile = workDir.resolve("worker.log");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath(), StudioApplication.class.getName(), "worker",
                "--server-url=http://localhost:" + port, "--token=" + token, "--name=bench-remote",
                "--slots=" + SLOTS, "--work-dir=" + workDir, "--logging.level.root=WARN");
        log("starting a remote worker JVM on loopback with " + SLOTS + " slots (embedded worker disabled)");
        Process worker = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile())
                .start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (as("admin", Role.ADMIN, () -> workers.list()).stream()
                    .noneMatch(w -> w.kind() == WorkerKind.REMOTE && w.state() == WorkerState.ONLINE)) {
                if (System.nanoTime() > deadline || !worker.isAlive()) {
                    throw new IllegalStateException("remote worker did not register; its log:\n"
                            + Files.readString(logFile));
                }
                Thread.sleep(100);
            }
            return as(ENGINEER, Role.ML_ENGINEER, () -> measureHandOff(runService(app), chainId, probe));
        } finally {
            worker.destroy();
            worker.waitFor();
        }
    }

    private static RunService runService(ConfigurableApplicationContext app) {
        return app.getBean(RunService.class);
    }

    /** exec:java runs us in Maven's JVM: the project's classpath is the context class loader's, not java.class.path. */
    private static String classpath() {
        if (Thread.currentThread().getContextClassLoader() instanceof URLClassLoader loader) {
            List<String> entries = new ArrayList<>();
            for (URL url : loader.getURLs()) {
                try {
                    entries.add(Path.of(url.toURI()).toString());
                } catch (URISyntaxException e) {
                    throw new IllegalStateException(e);
                }
            }
            return String.join(File.pathSeparator, entries);
        }
        return System.getProperty("java.class.path");
    }

    private static long createValid(PipelineService pipelines, String name, PipelineGraph graph, int nodes,
            int edges) throws Exception {
        List<ValidationIssue> issues = as(ENGINEER, Role.ML_ENGINEER, () -> pipelines.validate(graph));
        if (graph.nodes().size() != nodes || graph.edges().size() != edges || !issues.isEmpty()) {
            throw new IllegalStateException("“" + name + "” is not " + nodes + " valid steps and " + edges
                    + " connections: " + graph.nodes().size() + " nodes, " + graph.edges().size() + " edges, issues "
                    + issues);
        }
        PipelineSummary created = as(ENGINEER, Role.ML_ENGINEER,
                () -> pipelines.create(name, nodes + " steps, " + edges + " connections", graph, "generated"));
        log("created “" + name + "” (pipeline " + created.id() + "): " + nodes + " steps, " + edges
                + " connections, no validation issues");
        return created.id();
    }

    // ---------------------------------------------------------------------------------------------------------
    // The generated pipelines

    /**
     * A chain of 101 steps in which every step has exactly one predecessor, so each edge is one hand-off: a
     * dataset upload, then 20 rounds of fine-tune → quantize → deploy → prompt test → human review, each round's
     * fine-tune trained on the previous round's corrected answers (human review's "dataset" output). 100 edges.
     */
    static PipelineGraph chain(NodeTypeCatalog catalog) {
        Builder b = new Builder(catalog);
        String data = b.node("data", "dataset-upload", 0, 0, Map.of("dataset", "support-replies"));
        String previousDataset = data;
        String previousPort = "dataset";
        for (int u = 0; u < CHAIN_UNITS; u++) {
            String p = "r" + (u + 1) + "-";
            int column = 1 + u * 5;
            String tune = b.node(p + "tune", "fine-tune", 0, column, Map.of());
            String quant = b.node(p + "quant", "quantize", 0, column + 1, Map.of());
            String deploy = b.node(p + "deploy", "deploy", 0, column + 2, Map.of("endpointName", "bot-" + (u + 1)));
            String test = b.node(p + "test", "prompt-test", 0, column + 3, Map.of());
            String review = b.node(p + "review", "human-review", 0, column + 4,
                    Map.of("queue", "answers-" + (u + 1)));
            b.edge(previousDataset, previousPort, tune, "dataset");
            b.edge(tune, "model", quant, "model");
            b.edge(quant, "model", deploy, "model");
            b.edge(deploy, "endpoint", test, "endpoint");
            b.edge(test, "report", review, "report");
            previousDataset = review;
            previousPort = "dataset";
        }
        return new PipelineGraph(null, b.nodes, b.edges);
    }

    /**
     * 500 steps, 745 connections: one dataset upload fans out to 124 branches (fine-tune on that dataset →
     * quantize); the 124 models are joined pairwise, level by level, in a tree of 123 joins (7 levels; an odd one
     * out moves up a level unjoined). A join of models A and B is "evaluate A on the root dataset → quality gate
     * with that report and model B", since inputs take one connection each and evaluate and gate are the types
     * with two inputs. The last gate's model then goes through deploy → prompt test → human review → fine-tune on
     * the corrections → quantize. 1 + 2 × 124 + 2 × 123 + 5 = 500 steps; the longest path is 22 steps.
     */
    static PipelineGraph dag(NodeTypeCatalog catalog) {
        Builder b = new Builder(catalog);
        String data = b.node("data", "dataset-upload", DAG_BRANCHES / 2, 0, Map.of("dataset", "support-replies"));
        List<String> models = new ArrayList<>();
        for (int i = 0; i < DAG_BRANCHES; i++) {
            String tune = b.node("b" + (i + 1) + "-tune", "fine-tune", i, 1, Map.of());
            String quant = b.node("b" + (i + 1) + "-quant", "quantize", i, 2, Map.of());
            b.edge(data, "dataset", tune, "dataset");
            b.edge(tune, "model", quant, "model");
            models.add(quant);
        }
        int level = 0;
        while (models.size() > 1) {
            level++;
            List<String> next = new ArrayList<>();
            for (int i = 0; i + 1 < models.size(); i += 2) {
                String p = "j" + level + "." + (i / 2 + 1) + "-";
                int row = i * (1 << (level - 1)) + (1 << (level - 1));
                String eval = b.node(p + "eval", "evaluate", row, 1 + 2 * level, Map.of());
                String gate = b.node(p + "gate", "gate", row, 2 + 2 * level, Map.of());
                b.edge(models.get(i), "model", eval, "model");
                b.edge(data, "dataset", eval, "dataset");
                b.edge(eval, "report", gate, "report");
                b.edge(models.get(i + 1), "model", gate, "model");
                next.add(gate);
            }
            if (models.size() % 2 == 1) {
                next.add(models.get(models.size() - 1));
            }
            models = next;
        }
        int row = DAG_BRANCHES / 2;
        int column = 3 + 2 * level;
        String deploy = b.node("t-deploy", "deploy", row, column, Map.of("endpointName", "bot-joined"));
        String test = b.node("t-test", "prompt-test", row, column + 1, Map.of());
        String review = b.node("t-review", "human-review", row, column + 2, Map.of("queue", "answers-joined"));
        String tune = b.node("t-tune", "fine-tune", row, column + 3, Map.of());
        String quant = b.node("t-quant", "quantize", row, column + 4, Map.of());
        b.edge(models.get(0), "model", deploy, "model");
        b.edge(deploy, "endpoint", test, "endpoint");
        b.edge(test, "report", review, "report");
        b.edge(review, "dataset", tune, "dataset");
        b.edge(tune, "model", quant, "model");
        return new PipelineGraph(null, b.nodes, b.edges);
    }

    private static final class Builder {
        private final NodeTypeCatalog catalog;
        final List<GraphNode> nodes = new ArrayList<>();
        final List<GraphEdge> edges = new ArrayList<>();

        Builder(NodeTypeCatalog catalog) {
            this.catalog = catalog;
        }

        /** A node as the palette makes it (every default filled) plus the required values, on a grid. */
        String node(String id, String typeId, int row, int column, Map<String, Object> required) {
            NodeType type = catalog.find(typeId).orElseThrow(() -> new IllegalStateException("no type " + typeId));
            Map<String, Object> params = new LinkedHashMap<>(type.defaultParams());
            params.putAll(required);
            nodes.add(new GraphNode(id, typeId, type.name() + " " + id, column * COLUMN_GAP, row * ROW_GAP, params));
            return id;
        }

        void edge(String source, String sourcePort, String target, String targetPort) {
            edges.add(new GraphEdge("e" + (edges.size() + 1), source, sourcePort, target, targetPort));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Hand-off latency

    private record HandOffFigures(List<Double> handOffs, List<Double> toQueued, List<Double> queuedToStarted,
            List<Double> taskSpans, List<Double> firstStart, List<Double> runWallMs, String resolution,
            Map<String, Probe.Stat> calls) {
    }

    private static HandOffFigures measureHandOff(RunService runService, long pipelineId, Probe probe)
            throws Exception {
        List<Double> handOffs = new ArrayList<>();
        List<Double> toQueued = new ArrayList<>();
        List<Double> queuedToStarted = new ArrayList<>();
        List<Double> spans = new ArrayList<>();
        List<Double> firstStart = new ArrayList<>();
        List<Double> wall = new ArrayList<>();
        List<OffsetDateTime> stamps = new ArrayList<>();
        for (int i = 0; i < CHAIN_WARMUPS + CHAIN_RUNS; i++) {
            boolean warmup = i < CHAIN_WARMUPS;
            if (i == CHAIN_WARMUPS) {
                probe.reset();
            }
            long t0 = System.nanoTime();
            RunSummary started = runService.start(pipelineId, RunTrigger.MANUAL);
            Outcome outcome = awaitEnd(runService, pipelineId, started.id());
            if (outcome.stalled() != null) {
                throw new IllegalStateException("chain run " + started.id() + " stalled:\n"
                        + String.join("\n", stallEvidence(outcome.stalled(), probe)));
            }
            RunSummary ended = outcome.ended();
            long t1 = outcome.seenNanos();
            RunDetail detail = runService.detail(started.id());
            requireAllSucceeded(detail, ended, CHAIN_STEPS);
            Map<String, TaskInfo> byNode = byNode(detail);
            List<Double> runHandOffs = new ArrayList<>();
            for (GraphEdge edge : detail.graph().edges()) {
                TaskInfo predecessor = byNode.get(edge.source());
                TaskInfo successor = byNode.get(edge.target());
                runHandOffs.add(ms(predecessor.finishedAt(), successor.startedAt()));
                if (!warmup) {
                    toQueued.add(ms(predecessor.finishedAt(), successor.queuedAt()));
                    queuedToStarted.add(ms(successor.queuedAt(), successor.startedAt()));
                }
            }
            if (!warmup) {
                handOffs.addAll(runHandOffs);
                wall.add(ms(t1 - t0));
                firstStart.add(ms(detail.summary().createdAt(), byNode.get("data").startedAt()));
                for (TaskInfo task : detail.tasks()) {
                    spans.add(ms(task.startedAt(), task.finishedAt()));
                    stamps.add(task.queuedAt());
                    stamps.add(task.startedAt());
                    stamps.add(task.finishedAt());
                }
            }
            log(String.format(Locale.ROOT, "chain run %d%s: %d steps in %.0f ms, hand-off p50 %.1f ms, max %.1f ms",
                    i + 1, warmup ? " (warm-up)" : "", CHAIN_STEPS, ms(t1 - t0), median(runHandOffs),
                    Collections.max(runHandOffs)));
        }
        return new HandOffFigures(handOffs, toQueued, queuedToStarted, spans, firstStart, wall, resolution(stamps),
                probe.snapshot());
    }

    // ---------------------------------------------------------------------------------------------------------
    // 500-step DAG

    private record DagFigures(List<Double> wallMs, List<Double> dbMs, List<Double> taskSpans,
            List<Integer> maxParallel, List<Double> cpuSeconds, int attempts, List<String> stalls,
            Map<String, Probe.Stat> calls) {
    }

    /**
     * One warm-up attempt, then attempts until {@link #DAG_RUNS} runs have SUCCEEDED (at most
     * {@link #DAG_MAX_ATTEMPTS}). A run that stalls (see {@link #awaitEnd}) is recorded with its evidence and
     * cancelled, and the next attempt starts.
     */
    private static DagFigures measureDag(RunService runService, long pipelineId, Probe probe) throws Exception {
        List<Double> wall = new ArrayList<>();
        List<Double> db = new ArrayList<>();
        List<Double> spans = new ArrayList<>();
        List<Integer> maxParallel = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        List<String> stalls = new ArrayList<>();
        Map<String, Probe.Stat> calls = new TreeMap<>();
        int attempt = 0;
        while (wall.size() < DAG_RUNS && attempt < DAG_WARMUPS + DAG_MAX_ATTEMPTS) {
            attempt++;
            boolean warmup = attempt <= DAG_WARMUPS;
            String name = "DAG attempt " + attempt + (warmup ? " (warm-up)" : "");
            probe.reset();
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            RunSummary started = runService.start(pipelineId, RunTrigger.MANUAL);
            Outcome outcome = awaitEnd(runService, pipelineId, started.id());
            long t1 = outcome.seenNanos();
            long cpu1 = processCpuNanos();
            if (outcome.stalled() != null) {
                List<String> evidence = stallEvidence(outcome.stalled(), probe);
                RunSummary at = outcome.stalled().summary();
                String line = String.format(Locale.ROOT, "%s (run %d) STALLED: %d of %d steps succeeded, then"
                        + " nothing queued, leased or running for %d s", name, at.id(), at.tasksSucceeded(),
                        at.tasksTotal(), STALL.toSeconds());
                stalls.add(line);
                evidence.forEach(e -> stalls.add("    " + e));
                log(line);
                evidence.forEach(e -> log("    " + e));
                runService.cancel(started.id());
                continue;
            }
            RunSummary ended = outcome.ended();
            RunDetail detail = runService.detail(started.id());
            requireAllSucceeded(detail, ended, DAG_STEPS);
            double wallMs = ms(t1 - t0);
            double dbMs = ms(ended.createdAt(), ended.finishedAt());
            int parallel = maxParallel(detail.tasks());
            double cpuS = cpu0 < 0 || cpu1 < 0 ? Double.NaN : (cpu1 - cpu0) / 1e9;
            if (!warmup) {
                probe.snapshot().forEach((call, stat) -> calls.merge(call, stat, Probe.Stat::plus));
                wall.add(wallMs);
                db.add(dbMs);
                maxParallel.add(parallel);
                cpu.add(cpuS);
                detail.tasks().forEach(t -> spans.add(ms(t.startedAt(), t.finishedAt())));
            }
            log(String.format(Locale.ROOT,
                    "%s: %d steps SUCCEEDED after %.0f ms (run record: %.0f ms), at most %d running at once,"
                            + " process CPU %.1f s", name, DAG_STEPS, wallMs, dbMs, parallel, cpuS));
        }
        if (wall.isEmpty()) {
            throw new IllegalStateException("no DAG run ended in " + attempt + " attempts:\n"
                    + String.join("\n", stalls));
        }
        return new DagFigures(wall, db, spans, maxParallel, cpu, attempt - DAG_WARMUPS, stalls, calls);
    }

    /** Most tasks RUNNING at the same instant (started → finished intervals). */
    private static int maxParallel(List<TaskInfo> tasks) {
        TreeMap<OffsetDateTime, Integer> delta = new TreeMap<>();
        for (TaskInfo t : tasks) {
            delta.merge(t.startedAt(), 1, Integer::sum);
            delta.merge(t.finishedAt(), -1, Integer::sum);
        }
        int now = 0;
        int max = 0;
        for (int d : delta.values()) {
            now += d;
            max = Math.max(max, now);
        }
        return max;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Running and reading runs

    /** How a run ended: {@code ended} when it finished, {@code stalled} (its detail) when it never will. */
    private record Outcome(RunSummary ended, long seenNanos, RunDetail stalled) {
    }

    /**
     * Polls every {@link #POLL_MS} until the run has finished. A run counts as stalled when no step has succeeded
     * for {@link #STALL} and no task is queued, leased or running while the run is still RUNNING: nothing in the
     * engine will move it again (the lease reaper only re-queues leased or running tasks).
     */
    private static Outcome awaitEnd(RunService runService, long pipelineId, long runId) throws InterruptedException {
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        int lastDone = -1;
        long lastChange = System.nanoTime();
        while (true) {
            Optional<RunSummary> run = runService.list(pipelineId, null, null, 1).stream()
                    .filter(r -> r.id() == runId).findFirst();
            long now = System.nanoTime();
            if (run.isPresent() && run.get().status().finished()) {
                return new Outcome(run.get(), now, null);
            }
            int done = run.map(RunSummary::tasksSucceeded).orElse(-1);
            if (done != lastDone) {
                lastDone = done;
                lastChange = now;
            } else if (now - lastChange > STALL.toNanos()) {
                RunDetail detail = runService.detail(runId);
                boolean active = detail.tasks().stream().anyMatch(t -> t.status() == TaskStatus.QUEUED
                        || t.status() == TaskStatus.LEASED || t.status() == TaskStatus.RUNNING);
                if (!active && detail.summary().status() == RunStatus.RUNNING) {
                    return new Outcome(null, now, detail);
                }
                lastChange = now;
            }
            if (now > deadline) {
                throw new IllegalStateException("run " + runId + " did not finish within " + RUN_TIMEOUT + ": " + run);
            }
            Thread.sleep(POLL_MS);
        }
    }

    /**
     * Why a stalled run stands still: every PENDING step whose predecessors have all SUCCEEDED (so it should
     * have been queued), with its predecessors' finishing times.
     */
    private static List<String> stallEvidence(RunDetail detail, Probe probe) {
        Map<String, TaskInfo> byNode = byNode(detail);
        List<String> lines = new ArrayList<>();
        long pending = detail.tasks().stream().filter(t -> t.status() == TaskStatus.PENDING).count();
        for (TaskInfo task : detail.tasks()) {
            if (task.status() != TaskStatus.PENDING) {
                continue;
            }
            List<TaskInfo> predecessors = detail.graph().edges().stream().filter(e -> e.target().equals(task.nodeId()))
                    .map(e -> byNode.get(e.source())).toList();
            if (predecessors.isEmpty() || predecessors.stream().anyMatch(p -> p.status() != TaskStatus.SUCCEEDED)) {
                continue;
            }
            StringBuilder line = new StringBuilder("step " + task.nodeId() + " (" + task.nodeType()
                    + ") still PENDING although all its predecessors SUCCEEDED:");
            OffsetDateTime first = predecessors.stream().map(TaskInfo::finishedAt).min(OffsetDateTime::compareTo)
                    .orElseThrow();
            for (TaskInfo p : predecessors) {
                line.append(String.format(Locale.ROOT, " %s stored finishedAt %s%s;", p.nodeId(),
                        p.finishedAt().toLocalTime(), probe.succeededCall(p.id())));
            }
            if (predecessors.size() > 1) {
                OffsetDateTime last = predecessors.stream().map(TaskInfo::finishedAt).max(OffsetDateTime::compareTo)
                        .orElseThrow();
                line.append(String.format(Locale.ROOT, " finishedAt %.2f ms apart", ms(first, last)));
                if (probe.succeededCallsOverlap(predecessors.stream().map(TaskInfo::id).toList())) {
                    line.append("; their succeeded() transactions OVERLAPPED, so each read the other predecessor"
                            + " as not yet succeeded");
                }
            }
            lines.add(line.toString());
        }
        lines.add(pending + " step(s) PENDING in all (the rest wait behind the ones above)");
        return lines;
    }

    private static void requireAllSucceeded(RunDetail detail, RunSummary ended, int steps) {
        boolean ok = ended.status() == RunStatus.SUCCEEDED && detail.tasks().size() == steps
                && detail.tasks().stream().allMatch(t -> t.status() == TaskStatus.SUCCEEDED && t.attempt() == 1
                        && t.queuedAt() != null && t.startedAt() != null && t.finishedAt() != null);
        if (!ok) {
            throw new IllegalStateException("run " + ended.id() + " ended " + ended.status() + " (" + ended.message()
                    + "); tasks not succeeded at the first attempt: " + detail.tasks().stream()
                            .filter(t -> t.status() != TaskStatus.SUCCEEDED || t.attempt() != 1).limit(5).toList());
        }
    }

    private static Map<String, TaskInfo> byNode(RunDetail detail) {
        Map<String, TaskInfo> byNode = new HashMap<>();
        detail.tasks().forEach(t -> byNode.put(t.nodeId(), t));
        return byNode;
    }

    /** The finest unit the stored timestamps actually use. */
    private static String resolution(List<OffsetDateTime> stamps) {
        boolean subMicro = stamps.stream().anyMatch(t -> t.getNano() % 1_000 != 0);
        boolean subMilli = stamps.stream().anyMatch(t -> t.getNano() % 1_000_000 != 0);
        return subMicro ? "nanoseconds" : subMilli ? "microseconds" : "milliseconds (or coarser)";
    }

    // ---------------------------------------------------------------------------------------------------------
    // Where the time goes: a timing interceptor on TaskDispatcher

    /**
     * Times every call on the {@link TaskDispatcher} proxy, outermost (so each figure includes the call's
     * transaction and commit). A lease that found nothing counts as "lease (nothing)". Costs well under a
     * microsecond per call.
     */
    static final class Probe {
        private final Map<String, Stat> stats = new ConcurrentHashMap<>();
        /** Task id → when its succeeded() call (transaction and commit included) began and returned. */
        private final Map<Long, Instant[]> succeededCalls = new ConcurrentHashMap<>();
        private boolean installed;

        record Stat(List<Double> ms) {
            double total() {
                return ms.stream().mapToDouble(Double::doubleValue).sum();
            }

            Stat plus(Stat other) {
                List<Double> both = new ArrayList<>(ms);
                both.addAll(other.ms);
                return new Stat(both);
            }
        }

        static Probe install(TaskDispatcher dispatcher) {
            Probe probe = new Probe();
            if (dispatcher instanceof Advised advised && !advised.isFrozen()) {
                advised.addAdvice(0, (MethodInterceptor) invocation -> {
                    Instant began = Instant.now();
                    long t0 = System.nanoTime();
                    Object result = invocation.proceed();
                    String name = invocation.getMethod().getName();
                    if (name.equals("succeeded") && invocation.getArguments()[0] instanceof Long taskId) {
                        probe.succeededCalls.put(taskId, new Instant[] {began, Instant.now()});
                    }
                    if (result instanceof Optional<?> optional && optional.isEmpty()) {
                        name += " (nothing)";
                    }
                    probe.record(name, (System.nanoTime() - t0) / 1e6);
                    return result;
                });
                probe.installed = true;
            } else {
                log("TaskDispatcher is not an unfrozen AOP proxy: no per-call breakdown");
            }
            return probe;
        }

        boolean installed() {
            return installed;
        }

        private void record(String name, double ms) {
            Stat stat = stats.computeIfAbsent(name, n -> new Stat(Collections.synchronizedList(new ArrayList<>())));
            stat.ms().add(ms);
        }

        void reset() {
            stats.clear();
        }

        /** The succeeded() call of a task, as "began–returned", or "" when not seen. */
        String succeededCall(long taskId) {
            Instant[] call = succeededCalls.get(taskId);
            return call == null ? "" : " (its succeeded() call, commit included: " + time(call[0]) + " → "
                    + time(call[1]) + ")";
        }

        /** Whether the succeeded() calls of these tasks overlapped in time. */
        boolean succeededCallsOverlap(List<Long> taskIds) {
            List<Instant[]> calls = taskIds.stream().map(succeededCalls::get).toList();
            if (calls.size() < 2 || calls.contains(null)) {
                return false;
            }
            Instant latestBegin = calls.stream().map(c -> c[0]).max(Instant::compareTo).orElseThrow();
            Instant earliestEnd = calls.stream().map(c -> c[1]).min(Instant::compareTo).orElseThrow();
            return latestBegin.isBefore(earliestEnd);
        }

        private static String time(Instant instant) {
            return instant.atOffset(ZoneOffset.UTC).toLocalTime().toString();
        }

        Map<String, Stat> snapshot() {
            Map<String, Stat> copy = new TreeMap<>();
            stats.forEach((name, stat) -> {
                synchronized (stat.ms()) {
                    copy.put(name, new Stat(List.copyOf(stat.ms())));
                }
            });
            return copy;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Summary

    private static void printSummary(HandOffFigures h, HandOffFigures r, DagFigures d, boolean probed) {
        double handOffP50 = median(h.handOffs());
        double dagMedian = median(d.wallMs());
        StringBuilder out = new StringBuilder();
        out.append("\n========================== Run-engine benchmark: hand-off and 500-step DAG ==========================\n");
        out.append("date      ").append(LocalDate.now()).append('\n');
        out.append("machine   ").append(Machine.nproc()).append(" CPUs (nproc), ").append(Machine.cpuModel()).append(", ")
                .append(Machine.memTotal()).append(" RAM\n");
        out.append("java      ").append(System.getProperty("java.runtime.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append(" (").append(System.getProperty("java.vm.name"))
                .append(")\n");
        out.append("setup     one server, embedded worker with ").append(SLOTS)
                .append(" slots, fresh in-memory H2 (PostgreSQL mode), scripted no-op executors (ScriptedExecutors)\n");
        out.append("clock     DB timestamps carry ").append(h.resolution()).append('\n');
        out.append('\n');
        out.append(String.format(Locale.ROOT,
                "hand-off, embedded   p50 %6.1f ms   p95 %6.1f ms   max %6.1f ms   goal p50 < %.0f ms   %s%n",
                handOffP50, p95(h.handOffs()), Collections.max(h.handOffs()), GOAL_HANDOFF_EMBEDDED_MS,
                verdict(handOffP50, GOAL_HANDOFF_EMBEDDED_MS)));
        out.append(String.format(Locale.ROOT,
                "  %d hand-offs: %d runs of a %d-step chain after %d warm-up run; successor startedAt − predecessor"
                        + " finishedAt%n", h.handOffs().size(), CHAIN_RUNS, CHAIN_STEPS, CHAIN_WARMUPS));
        out.append(String.format(Locale.ROOT,
                "  of which finished → successor queued p50 %.1f ms (p95 %.1f), queued → running p50 %.1f ms (p95 %.1f)%n",
                median(h.toQueued()), p95(h.toQueued()), median(h.queuedToStarted()), p95(h.queuedToStarted())));
        out.append(String.format(Locale.ROOT,
                "  a no-op step itself (running → finished) p50 %.1f ms (p95 %.1f); run start → first step running"
                        + " p50 %.1f ms%n", median(h.taskSpans()), p95(h.taskSpans()), median(h.firstStart())));
        out.append(String.format(Locale.ROOT, "  whole chain runs (ms): %s%n", rounded(h.runWallMs())));
        double remoteP50 = median(r.handOffs());
        out.append(String.format(Locale.ROOT,
                "hand-off, remote     p50 %6.1f ms   p95 %6.1f ms   max %6.1f ms   goal p50 < %.0f ms   %s%n",
                remoteP50, p95(r.handOffs()), Collections.max(r.handOffs()), GOAL_HANDOFF_REMOTE_MS,
                verdict(remoteP50, GOAL_HANDOFF_REMOTE_MS)));
        out.append(String.format(Locale.ROOT,
                "  the same chain on a separate worker JVM (%d slots, HTTP long-poll over loopback, embedded worker"
                        + " disabled); finished → queued p50 %.1f ms, queued → running p50 %.1f ms (p95 %.1f)%n",
                SLOTS, median(r.toQueued()), median(r.queuedToStarted()), p95(r.queuedToStarted())));
        out.append(String.format(Locale.ROOT,
                "  a no-op step over HTTP (running → finished) p50 %.1f ms (p95 %.1f); whole chain runs (ms): %s%n",
                median(r.taskSpans()), p95(r.taskSpans()), rounded(r.runWallMs())));
        out.append(String.format(Locale.ROOT,
                "500-step DAG         median %7.0f ms   goal < %.0f ms   %s%n", dagMedian, GOAL_DAG_MS,
                verdict(dagMedian, GOAL_DAG_MS)));
        out.append(String.format(Locale.ROOT,
                "  runs (ms, RunService.start → SUCCEEDED seen, polled every %d ms): %s; %d measured attempts after %d"
                        + " warm-up attempt%n", POLL_MS, rounded(d.wallMs()), d.attempts(), DAG_WARMUPS));
        if (!d.stalls().isEmpty()) {
            out.append("  STALLED attempts (a lost join: never finish, cancelled by the benchmark):\n");
            d.stalls().forEach(line -> out.append("    ").append(line).append('\n'));
        }
        out.append(String.format(Locale.ROOT, "  run record created → finished (ms): %s%n", rounded(d.dbMs())));
        out.append(String.format(Locale.ROOT,
                "  %.0f steps/s; a no-op step (running → finished) p50 %.1f ms (p95 %.1f); steps running at once:"
                        + " at most %s%n", DAG_STEPS / (dagMedian / 1000), median(d.taskSpans()), p95(d.taskSpans()),
                d.maxParallel()));
        out.append(String.format(Locale.ROOT, "  process CPU during each run: %s s of %s s wall on %s CPUs%n",
                d.cpuSeconds().stream().map(v -> String.format(Locale.ROOT, "%.1f", v)).toList(),
                d.wallMs().stream().map(v -> String.format(Locale.ROOT, "%.1f", v / 1000)).toList(), Machine.nproc()));
        if (probed) {
            out.append("\nwhere the time goes: TaskDispatcher calls, each with its transaction (ms)\n");
            appendCalls(out, "chain (hand-off) runs", h.calls(), CHAIN_RUNS, mean(h.runWallMs()));
            appendCalls(out, "500-step DAG runs that succeeded", d.calls(), d.wallMs().size(), mean(d.wallMs()));
        }
        out.append("======================================================================================================\n");
        System.out.print(out);
    }

    /** The worker's side of the protocol, i.e. the calls that occupy a slot. */
    private static final Set<String> SLOT_CALLS = Set.of("lease", "lease (nothing)", "started", "log", "progress",
            "succeeded", "failed", "cancelled", "renew");

    private static void appendCalls(StringBuilder out, String what, Map<String, Probe.Stat> calls, int runs,
            double wallMs) {
        out.append("  ").append(what).append(" (per run: calls, total ms; per call: p50, p95 ms)\n");
        double slotMs = 0;
        for (Map.Entry<String, Probe.Stat> entry : calls.entrySet()) {
            String name = entry.getKey();
            Probe.Stat stat = entry.getValue();
            if (name.equals("leaseDuration") || name.equals("graph")) {
                continue; // a getter, and the benchmark's own reads through RunService.detail
            }
            if (SLOT_CALLS.contains(name)) {
                slotMs += stat.total() / runs;
            }
            out.append(String.format(Locale.ROOT, "    %-18s %7.1f calls %7.0f ms   p50 %6.2f   p95 %6.2f%n", name,
                    (double) stat.ms().size() / runs, stat.total() / runs, median(stat.ms()), p95(stat.ms())));
        }
        out.append(String.format(Locale.ROOT,
                "    worker slots inside these calls: %.0f ms per run of %.0f ms wall (%.1f of %d slots busy on"
                        + " average)%n", slotMs, wallMs, slotMs / wallMs, SLOTS));
    }

    private static String verdict(double value, double goal) {
        return value < goal ? "MET" : "MISSED";
    }

    private static String rounded(List<Double> values) {
        return values.stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList().toString();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Small helpers

    private static <T> T as(String username, Role role, Callable<T> action) {
        return SignedIn.as(username, List.of(role), action);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static double ms(OffsetDateTime from, OffsetDateTime to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Nearest-rank 95th percentile. */
    private static double p95(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(0.95 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static void log(String message) {
        System.out.println("[run-bench] " + message);
        System.out.flush();
    }




}
