package dev.llmops.studio.bench;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.WaitUntilState;
import dev.llmops.studio.StudioApplication;
import dev.llmops.studio.pipeline.GraphEdge;
import dev.llmops.studio.pipeline.GraphNode;
import dev.llmops.studio.pipeline.NodeType;
import dev.llmops.studio.pipeline.NodeTypeCatalog;
import dev.llmops.studio.pipeline.PipelineGraph;
import dev.llmops.studio.pipeline.PipelineJson;
import dev.llmops.studio.pipeline.PipelineService;
import dev.llmops.studio.pipeline.PipelineSummary;
import dev.llmops.studio.pipeline.ValidationIssue;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.security.users.UserAccountService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.core.context.SecurityContext;

/**
 * The designer benchmark (run with {@code bench/designer.sh}): a generated, valid pipeline of 300 steps and 400
 * connections, measured on the real application (random port, fresh in-memory H2, production-mode frontend).
 *
 * <ul>
 * <li>server: {@link PipelineService#validate} followed by {@link PipelineService#save} (a new version each
 * time), 30 runs after 5 warm-up runs;</li>
 * <li>browser: headless Chromium (Debian's, via Playwright) navigating to {@code /pipelines/<id>} until all
 * 300 nodes are rendered and a click on one of them selects it, 5 runs after 2 warm-up runs.</li>
 * </ul>
 *
 * Figures are printed, never asserted; copy them into docs/benchmarks.md with the machine and date.
 */
public final class DesignerBenchmark {

    private static final int UNITS = 20;
    private static final int NODES = 300;
    private static final int EDGES = 400;
    private static final int SAVE_WARMUPS = 5;
    private static final int SAVE_RUNS = 30;
    private static final int LOAD_WARMUPS = 2;
    private static final int LOAD_RUNS = 5;
    private static final double GOAL_INTERACTIVE_MS = 2000;
    private static final double GOAL_SAVE_MS = 300;
    private static final int COLUMN_GAP = 280;
    private static final int ROW_GAP = 200;

    /** Benchmark-only credentials of a throw-away in-memory database; never used anywhere else. */
    private static final String ADMIN_PASSWORD = "bench-only-admin-passphrase";
    private static final String ENGINEER = "bench-engineer";
    private static final String ENGINEER_PASSWORD = "bench-only-engineer-passphrase";

    private static final String CHROMIUM = System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium");

    private DesignerBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int exitCode = 0;
        ConfigurableApplicationContext app = null;
        try {
            log("starting the application (fresh in-memory H2, production mode, random port)");
            app = start();
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            run(app, port);
        } catch (Throwable e) {
            e.printStackTrace();
            exitCode = 1;
        } finally {
            if (app != null) {
                exitCode = Math.max(exitCode, SpringApplication.exit(app));
            }
        }
        System.out.flush();
        // exec:java runs us inside Maven's JVM; leftover pool threads (Quartz, H2, Playwright) must not keep it up
        System.exit(exitCode);
    }

    private static ConfigurableApplicationContext start() {
        String database = "jdbc:h2:mem:designer-bench-" + UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
        SpringApplication application = new SpringApplication(StudioApplication.class);
        return application.run(
                "--server.port=0",
                "--spring.datasource.url=" + database,
                "--spring.datasource.username=sa",
                "--spring.datasource.password=",
                "--vaadin.productionMode=true",
                "--vaadin.launch-browser=false",
                "--studio.security.initial-admin-password=" + ADMIN_PASSWORD,
                "--spring.main.banner-mode=off",
                "--logging.level.root=WARN");
    }

    private static void run(ConfigurableApplicationContext app, int port) throws Exception {
        UserAccountService accounts = app.getBean(UserAccountService.class);
        PipelineService pipelines = app.getBean(PipelineService.class);
        NodeTypeCatalog catalog = app.getBean(NodeTypeCatalog.class);

        as("admin", Role.ADMIN, () -> accounts.create(new UserAccountService.NewUser(ENGINEER, "Benchmark engineer",
                ENGINEER_PASSWORD, Set.of(Role.ML_ENGINEER))));

        PipelineGraph graph = generate(catalog);
        List<ValidationIssue> issues = as(ENGINEER, Role.ML_ENGINEER, () -> pipelines.validate(graph));
        if (graph.nodes().size() != NODES || graph.edges().size() != EDGES || !issues.isEmpty()) {
            throw new IllegalStateException("The generated pipeline is not " + NODES + " valid steps and " + EDGES
                    + " connections: " + graph.nodes().size() + " nodes, " + graph.edges().size() + " edges, issues "
                    + issues);
        }
        int jsonBytes = PipelineJson.write(graph).getBytes(StandardCharsets.UTF_8).length;
        PipelineSummary created = as(ENGINEER, Role.ML_ENGINEER,
                () -> pipelines.create("Designer benchmark", "300 steps, 400 connections", graph, "generated"));
        log("created pipeline " + created.id() + ": " + NODES + " steps, " + EDGES + " connections, no issues, JSON "
                + kib(jsonBytes));

        ServerFigures server = measureServer(pipelines, created, graph);
        BrowserFigures browser = measureBrowser(port, created.id(), graph);
        printSummary(server, browser, jsonBytes);
    }

    // ---------------------------------------------------------------------------------------------------------
    // The generated pipeline

    /**
     * 20 units of 15 steps, each a full round: dataset → fine-tune → quantize → deploy → prompt test → human
     * review → evaluate → quality gate → deploy → prompt test → human review → fine-tune on the corrections →
     * evaluate → gate → quantize. Each unit's first fine-tune takes the previous unit's final model as base
     * model; the last unit ends in an evaluation (two inputs) instead of a quantize, which makes 19 + 18 × 20
     * + 21 = 400 connections. Every input takes one connection and every required input and parameter is
     * filled, so the graph is valid; all edges run forward, so it is acyclic.
     */
    static PipelineGraph generate(NodeTypeCatalog catalog) {
        Builder b = new Builder(catalog);
        String previousModel = null;
        for (int u = 0; u < UNITS; u++) {
            int row = u;
            String p = "u" + (u + 1) + "-";
            String data = b.node(p + "data", "dataset-upload", row, 0,
                    Map.of("dataset", "tickets-" + (u + 1)));
            String tune = b.node(p + "tune", "fine-tune", row, 1, Map.of());
            String quant = b.node(p + "quant", "quantize", row, 2, Map.of());
            String deploy = b.node(p + "deploy", "deploy", row, 3, Map.of("endpointName", "bot-" + (u + 1)));
            String test = b.node(p + "test", "prompt-test", row, 4, Map.of());
            String review = b.node(p + "review", "human-review", row, 5, Map.of("queue", "answers-" + (u + 1)));
            String eval = b.node(p + "eval", "evaluate", row, 6, Map.of());
            String gate = b.node(p + "gate", "gate", row, 7, Map.of());
            String deploy2 = b.node(p + "deploy2", "deploy", row, 8,
                    Map.of("endpointName", "bot-" + (u + 1) + "-gated"));
            String test2 = b.node(p + "test2", "prompt-test", row, 9, Map.of());
            String review2 = b.node(p + "review2", "human-review", row, 10,
                    Map.of("queue", "answers-" + (u + 1) + "-gated"));
            String tune2 = b.node(p + "tune2", "fine-tune", row, 11, Map.of());
            String eval2 = b.node(p + "eval2", "evaluate", row, 12, Map.of());
            String gate2 = b.node(p + "gate2", "gate", row, 13, Map.of());
            boolean last = u == UNITS - 1;
            String end = b.node(p + "end", last ? "evaluate" : "quantize", row, 14, Map.of());

            b.edge(data, "dataset", tune, "dataset");
            if (previousModel != null) {
                b.edge(previousModel, "model", tune, "baseModel");
            }
            b.edge(tune, "model", quant, "model");
            b.edge(quant, "model", deploy, "model");
            b.edge(deploy, "endpoint", test, "endpoint");
            b.edge(test, "report", review, "report");
            b.edge(quant, "model", eval, "model");
            b.edge(review, "dataset", eval, "dataset");
            b.edge(eval, "report", gate, "report");
            b.edge(quant, "model", gate, "model");
            b.edge(gate, "model", deploy2, "model");
            b.edge(deploy2, "endpoint", test2, "endpoint");
            b.edge(test2, "report", review2, "report");
            b.edge(review2, "dataset", tune2, "dataset");
            b.edge(gate, "model", tune2, "baseModel");
            b.edge(tune2, "model", eval2, "model");
            b.edge(data, "dataset", eval2, "dataset");
            b.edge(eval2, "report", gate2, "report");
            b.edge(tune2, "model", gate2, "model");
            b.edge(gate2, "model", end, "model");
            if (last) {
                b.edge(review2, "dataset", end, "dataset");
            }
            previousModel = end;
        }
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
            String label = type.name() + " " + (row + 1) + "." + (column + 1);
            nodes.add(new GraphNode(id, typeId, label, column * COLUMN_GAP, row * ROW_GAP, params));
            return id;
        }

        void edge(String source, String sourcePort, String target, String targetPort) {
            edges.add(new GraphEdge("e" + (edges.size() + 1), source, sourcePort, target, targetPort));
        }
    }

    /** The same graph with its first node moved by {@code dx}, so that every save is a real new version. */
    private static PipelineGraph moved(PipelineGraph graph, int dx) {
        List<GraphNode> nodes = new ArrayList<>(graph.nodes());
        GraphNode first = nodes.get(0);
        nodes.set(0, new GraphNode(first.id(), first.type(), first.label(), first.x() + dx, first.y(), first.params()));
        return new PipelineGraph(graph.schedule(), nodes, graph.edges());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Server: validate + save

    private record ServerFigures(List<Double> total, List<Double> validate, List<Double> save, List<Double> open) {
    }

    private static ServerFigures measureServer(PipelineService pipelines, PipelineSummary created, PipelineGraph graph)
            throws Exception {
        return as(ENGINEER, Role.ML_ENGINEER, () -> {
            List<Double> total = new ArrayList<>();
            List<Double> validate = new ArrayList<>();
            List<Double> save = new ArrayList<>();
            int version = created.version();
            for (int i = 0; i < SAVE_WARMUPS + SAVE_RUNS; i++) {
                PipelineGraph edited = moved(graph, i + 1);
                long t0 = System.nanoTime();
                List<ValidationIssue> issues = pipelines.validate(edited);
                long t1 = System.nanoTime();
                PipelineSummary saved = pipelines.save(created.id(), version, edited, "benchmark save " + (i + 1));
                long t2 = System.nanoTime();
                if (!issues.isEmpty() || saved.version() != version + 1) {
                    throw new IllegalStateException("save " + i + ": issues " + issues + ", version " + saved.version());
                }
                version = saved.version();
                if (i >= SAVE_WARMUPS) {
                    validate.add(ms(t1 - t0));
                    save.add(ms(t2 - t1));
                    total.add(ms(t2 - t0));
                }
            }
            // what the designer does on the server when it opens: read the current version and validate it
            List<Double> open = new ArrayList<>();
            for (int i = 0; i < SAVE_WARMUPS + SAVE_RUNS; i++) {
                long t0 = System.nanoTime();
                pipelines.open(created.id());
                long t1 = System.nanoTime();
                if (i >= SAVE_WARMUPS) {
                    open.add(ms(t1 - t0));
                }
            }
            log(String.format(Locale.ROOT, "server: validate + save median %.1f ms over %d runs (now at version %d)",
                    median(total), SAVE_RUNS, version));
            return new ServerFigures(total, validate, save, open);
        });
    }

    // ---------------------------------------------------------------------------------------------------------
    // Browser: navigation to an interactive canvas

    private record Load(double nodesMs, double interactiveMs) {
    }

    private record BrowserFigures(String version, List<Load> runs, double browserNowMs, double browserNodesMs,
            Map<String, Object> lastRunTimings, int pageErrors) {
    }

    /** Installed before any page script: collects long tasks (main thread busy over 50 ms) from the start. */
    private static final String LONG_TASK_OBSERVER = """
            window.__benchLongTasks = [];
            window.__benchPointerDown = -1;
            document.addEventListener('pointerdown', () => { window.__benchPointerDown = performance.now(); }, true);
            try {
              new PerformanceObserver(list => list.getEntries().forEach(e =>
                  window.__benchLongTasks.push([e.startTime, e.duration]))).observe({type: 'longtask', buffered: true});
            } catch (e) { /* not supported: no long-task figures */ }
            """;

    /** Resolves with performance.now() once all nodes are in the DOM. */
    private static final String NODES_RENDERED = """
            n => document.querySelectorAll('.react-flow__node').length >= n ? performance.now() : false
            """;

    /** Where the browser's time went in the last run, on its own clock (ms since navigation start). */
    private static final String TIMINGS = """
            () => {
              const nav = performance.getEntriesByType('navigation')[0];
              const res = performance.getEntriesByType('resource');
              const round = x => Math.round(x);
              const span = r => round(r.startTime) + '-' + round(r.responseEnd);
              const init = res.find(r => r.name.includes('v-r=init'));
              const uidl = res.filter(r => r.name.includes('v-r=uidl'));
              const scripts = res.filter(r => r.name.split('?')[0].endsWith('.js'));
              const long = window.__benchLongTasks || [];
              return {
                'HTML received': round(nav.responseEnd),
                'DOMContentLoaded': round(nav.domContentLoadedEventEnd),
                'load event': round(nav.loadEventEnd),
                'scripts (start-end)': scripts.map(span).join(' '),
                'v-r=init (start-end)': init ? span(init) : 'none',
                'UIDL requests (start-end)': uidl.map(span).join(' '),
                'long tasks (start+duration)': long.map(t => round(t[0]) + '+' + round(t[1])).join(' '),
                'long tasks total': round(long.reduce((s, t) => s + t[1], 0)),
                'pointerdown of the click': round(window.__benchPointerDown),
              };
            }
            """;

    @SuppressWarnings("unchecked")
    private static BrowserFigures measureBrowser(int port, long pipelineId, PipelineGraph graph) {
        String base = "http://localhost:" + port;
        // a step in the middle of the graph; the selection must come from a real click on it
        String clickId = graph.nodes().get(graph.nodes().size() / 2 + 7).id();
        List<Load> runs = new ArrayList<>();
        List<String> pageErrors = Collections.synchronizedList(new ArrayList<>());
        double browserNow = -1;
        double browserNodes = -1;
        Map<String, Object> timings = Map.of();
        String version;
        try (Playwright playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")))) {
            Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                    .setExecutablePath(Path.of(CHROMIUM))
                    .setHeadless(true)
                    .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic")));
            version = browser.version();
            BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1366, 860));
            context.setDefaultTimeout(60_000);
            context.addInitScript(LONG_TASK_OBSERVER);
            Page page = context.newPage();
            page.onPageError(error -> pageErrors.add(String.valueOf(error)));

            signIn(page, base);
            log("browser: signed in as " + ENGINEER + " in Chromium " + version);

            Locator target = page.locator(".react-flow__node[data-id='" + clickId + "']");
            Locator selected = page.locator(".react-flow__node.selected[data-id='" + clickId + "']");
            for (int i = 0; i < LOAD_WARMUPS + LOAD_RUNS; i++) {
                long t0 = System.nanoTime();
                page.navigate(base + "/pipelines/" + pipelineId,
                        new Page.NavigateOptions().setWaitUntil(WaitUntilState.COMMIT));
                Object nodesAt = page.waitForFunction(NODES_RENDERED, NODES).jsonValue();
                long tNodes = System.nanoTime();
                target.click();
                selected.waitFor();
                long t1 = System.nanoTime();
                browserNow = ((Number) page.evaluate("() => performance.now()")).doubleValue();
                browserNodes = ((Number) nodesAt).doubleValue();
                Load load = new Load(ms(tNodes - t0), ms(t1 - t0));
                log(String.format(Locale.ROOT, "browser run %d%s: %d nodes after %.0f ms, interactive after %.0f ms",
                        i + 1, i < LOAD_WARMUPS ? " (warm-up)" : "", NODES, load.nodesMs(), load.interactiveMs()));
                if (i >= LOAD_WARMUPS) {
                    runs.add(load);
                }
            }
            timings = (Map<String, Object>) page.evaluate(TIMINGS);
            context.close();
            browser.close();
        }
        return new BrowserFigures(version, runs, browserNow, browserNodes, timings, pageErrors.size());
    }

    private static void signIn(Page page, String base) {
        page.navigate(base + "/login");
        page.getByLabel("User name").fill(ENGINEER);
        page.getByLabel("Password", new Page.GetByLabelOptions().setExact(true)).fill(ENGINEER_PASSWORD);
        page.locator("vaadin-login-form vaadin-button").filter(new Locator.FilterOptions().setHasText("Log in"))
                .click();
        page.waitForURL(Pattern.compile("^" + Pattern.quote(base) + "/(\\?continue)?$"));
        page.locator("vaadin-app-layout").waitFor();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Summary

    private static void printSummary(ServerFigures server, BrowserFigures browser, int jsonBytes) {
        List<Double> interactive = browser.runs().stream().map(Load::interactiveMs).toList();
        List<Double> rendered = browser.runs().stream().map(Load::nodesMs).toList();
        double saveMedian = median(server.total());
        double interactiveMedian = median(interactive);
        StringBuilder out = new StringBuilder();
        out.append("\n===================== Designer benchmark: 300 steps, 400 connections =====================\n");
        out.append("date      ").append(LocalDate.now()).append('\n');
        out.append("machine   ").append(Machine.nproc()).append(" CPUs (nproc), ").append(Machine.cpuModel()).append(", ")
                .append(Machine.memTotal()).append(" RAM\n");
        out.append("java      ").append(System.getProperty("java.runtime.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append(" (").append(System.getProperty("java.vm.name"))
                .append(")\n");
        out.append("browser   headless Chromium ").append(browser.version()).append(" (").append(CHROMIUM)
                .append("), viewport 1366×860\n");
        out.append("pipeline  ").append(NODES).append(" steps, ").append(EDGES).append(" connections, valid; JSON ")
                .append(kib(jsonBytes)).append('\n');
        out.append('\n');
        out.append(String.format(Locale.ROOT, "validate + save      median %7.1f ms   p95 %7.1f ms   goal < %.0f ms   %s%n",
                saveMedian, p95(server.total()), GOAL_SAVE_MS, verdict(saveMedian, GOAL_SAVE_MS)));
        out.append(String.format(Locale.ROOT, "  validate only      median %7.1f ms   p95 %7.1f ms%n",
                median(server.validate()), p95(server.validate())));
        out.append(String.format(Locale.ROOT, "  save only          median %7.1f ms   p95 %7.1f ms%n",
                median(server.save()), p95(server.save())));
        out.append(String.format(Locale.ROOT, "  (open: read + validate, as the designer does on entry: median %.1f ms)%n",
                median(server.open())));
        out.append(String.format(Locale.ROOT, "  %d runs after %d warm-up runs, each save a new version%n",
                SAVE_RUNS, SAVE_WARMUPS));
        out.append(String.format(Locale.ROOT, "navigation → interactive  median %6.0f ms   max %6.0f ms   goal < %.0f ms   %s%n",
                interactiveMedian, Collections.max(interactive), GOAL_INTERACTIVE_MS,
                verdict(interactiveMedian, GOAL_INTERACTIVE_MS)));
        out.append(String.format(Locale.ROOT, "  300 nodes rendered median %6.0f ms   (then click → .selected)%n",
                median(rendered)));
        out.append(String.format(Locale.ROOT, "  runs (ms): %s; %d runs after %d warm-up runs%n",
                interactive.stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList(), LOAD_RUNS, LOAD_WARMUPS));
        out.append(String.format(Locale.ROOT,
                "  last run on the browser's clock: performance.now() = %.0f ms when interactive, %.0f ms when"
                        + " all nodes were in the DOM%n", browser.browserNowMs(), browser.browserNodesMs()));
        out.append("  last run on the browser's clock (ms since navigation start):\n");
        browser.lastRunTimings().forEach((what, value) -> out.append("    ").append(what).append(": ").append(value)
                .append('\n'));
        if (browser.pageErrors() > 0) {
            out.append("  page errors: ").append(browser.pageErrors()).append('\n');
        }
        out.append("==========================================================================================\n");
        System.out.print(out);
    }

    private static String verdict(double value, double goal) {
        return value < goal ? "MET" : "MISSED";
    }

    // ---------------------------------------------------------------------------------------------------------
    // Small helpers

    private static <T> T as(String username, Role role, Callable<T> action) {
        return SignedIn.as(username, List.of(role), action);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Nearest-rank 95th percentile. */
    private static double p95(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(0.95 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static String kib(int bytes) {
        return String.format(Locale.ROOT, "%.0f KiB", bytes / 1024.0);
    }

    private static void log(String message) {
        System.out.println("[designer-bench] " + message);
        System.out.flush();
    }




}
