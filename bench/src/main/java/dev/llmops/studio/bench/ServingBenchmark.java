package dev.llmops.studio.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmops.studio.StudioApplication;
import dev.llmops.studio.model.ContinuousBatcher;
import dev.llmops.studio.model.ServingBenchModels;
import dev.llmops.studio.model.ServingModel;
import dev.llmops.studio.registry.ModelRegistryService;
import dev.llmops.studio.registry.ModelVersionInfo;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.serving.DeployCommand;
import dev.llmops.studio.serving.EndpointService;
import dev.llmops.studio.serving.EndpointSettings;
import dev.llmops.studio.serving.EndpointStatus;
import dev.llmops.studio.support.SignedIn;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The serving benchmark (run with {@code bench/serving.sh}): the real application (random port, fresh in-memory
 * H2, embedded worker) serving the {@code tiny} and {@code small} presets (random weights, so every answer runs
 * to max_tokens) from one replica with batches of up to 32, called over HTTP like any OpenAI client.
 *
 * <ul>
 * <li>load: 1, 8 and 32 clients, each looping streaming chat requests (a 32-byte prompt, 128 new tokens, greedy)
 * for a fixed time; throughput (completion tokens/s over the wall time), p50/p95 latency and time to first
 * token;</li>
 * <li>gateway overhead: p50 of a one-token non-streaming request over HTTP minus p50 of the same work done
 * in-process on a batcher of the same model (encode, prompt forward, one token);</li>
 * <li>soak: 32 clients for two minutes on tiny, counting failed requests.</li>
 * </ul>
 * Goals: overhead p50 < 2 ms; throughput at 32 clients ≥ 4× that at 1 client; no errors in the soak. Figures are
 * printed, never asserted; copy them into docs/benchmarks.md with the machine and date.
 */
public final class ServingBenchmark {

    private static final String ADMIN_PASSWORD = "bench-only-admin-passphrase";
    private static final String ENGINEER = "bench-serving-engineer";
    private static final String PROMPT = "Tell me about the weather today."; // 32 bytes
    private static final int MAX_TOKENS = 128;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A chunk with text: a non-empty delta content. */
    private static final java.util.regex.Pattern CONTENT = java.util.regex.Pattern.compile("\"content\":\"[^\"]");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private ServingBenchmark() {
    }

    record Load(String preset, int clients, double seconds, long requests, long errors, long tokens,
                double p50Ms, double p95Ms, double ttftP50Ms, double ttftP95Ms) {

        double tokensPerSecond() {
            return tokens / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        List<String> presets = List.of((args.length > 0 ? args[0] : "tiny,small").split(","));
        int seconds = Integer.parseInt(System.getProperty("serving.bench.seconds", "20"));
        int soakSeconds = Integer.parseInt(System.getProperty("serving.bench.soak-seconds", "120"));
        Path work = Files.createTempDirectory("serving-bench-");
        ConfigurableApplicationContext app = start(work);
        int exit = 0;
        try {
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            List<Load> loads = new ArrayList<>();
            List<String> overheads = new ArrayList<>();
            Load soak = null;
            for (String preset : presets) {
                Path modelPackage = ServingBenchModels.randomPackage(preset, work);
                String endpoint = "bench-" + preset;
                String key = deploy(app, preset, modelPackage, endpoint);
                log(preset + ": deployed; warming up");
                measure(port, key, endpoint, preset, 8, 5);
                for (int clients : new int[] {1, 8, 32}) {
                    Load load = measure(port, key, endpoint, preset, clients, seconds);
                    log(String.format(Locale.ROOT, "%s, %2d client(s): %,.0f tokens/s, p50 %.0f ms, p95 %.0f ms,"
                                    + " first token p50 %.1f ms, p95 %.1f ms, %d requests, %d errors", preset, clients,
                            load.tokensPerSecond(), load.p50Ms(), load.p95Ms(), load.ttftP50Ms(), load.ttftP95Ms(),
                            load.requests(), load.errors()));
                    loads.add(load);
                }
                overheads.add(overhead(port, key, endpoint, preset, modelPackage, work));
                if (preset.equals("tiny") && soakSeconds > 0) {
                    log("tiny: soak, 32 clients for " + soakSeconds + " s");
                    soak = measure(port, key, endpoint, preset, 32, soakSeconds);
                }
            }
            summary(loads, overheads, soak);
        } catch (Throwable e) {
            e.printStackTrace();
            exit = 1;
        } finally {
            app.close();
        }
        System.exit(exit);
    }

    private static ConfigurableApplicationContext start(Path work) {
        String database = "jdbc:h2:mem:serving-bench-" + UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
        return new SpringApplication(StudioApplication.class).run("--server.port=0",
                "--spring.datasource.url=" + database, "--spring.datasource.username=sa",
                "--spring.datasource.password=", "--vaadin.productionMode=true", "--vaadin.launch-browser=false",
                "--studio.security.initial-admin-password=" + ADMIN_PASSWORD,
                "--studio.worker.work-dir=" + work.resolve("worker"), "--studio.vault.dir=" + work.resolve("vault"),
                "--studio.security.master-key-file=" + work.resolve("master.key"),
                "--server.tomcat.threads.max=400", "--spring.main.banner-mode=off", "--logging.level.root=WARN");
    }

    private static String deploy(ConfigurableApplicationContext app, String preset, Path modelPackage,
            String endpoint) throws Exception {
        ModelRegistryService registry = app.getBean(ModelRegistryService.class);
        EndpointService endpoints = app.getBean(EndpointService.class);
        ModelVersionInfo version = as(() -> registry.importHuggingFace("bench-" + preset, modelPackage,
                modelPackage.getFileName().toString()));
        // one replica: the figures show what batching does, not what a second copy on the same two cores does
        EndpointSettings settings = EndpointSettings.defaults().withReplicas(1, 1).withBatching(32, 0);
        as(() -> endpoints.deploy(new DeployCommand(endpoint, version.modelName(), version.version(), 0, settings)));
        String key = as(() -> endpoints.createKey(endpoint, "benchmark", null, null)).secret();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (as(() -> endpoints.get(endpoint)).status() != EndpointStatus.READY) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(endpoint + " did not become ready");
            }
            Thread.sleep(200);
        }
        return key;
    }

    /** Clients looping streaming requests for {@code seconds}; only requests that finished in time count. */
    private static Load measure(int port, String key, String endpoint, String preset, int clients, int seconds)
            throws InterruptedException {
        List<double[]> samples = Collections.synchronizedList(new ArrayList<>());
        AtomicLong errors = new AtomicLong();
        AtomicLong tokens = new AtomicLong();
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(seconds).toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Thread thread = new Thread(() -> {
                while (System.nanoTime() < end) {
                    try {
                        double[] sample = stream(port, key, endpoint);
                        if (System.nanoTime() <= end) {
                            samples.add(sample);
                            tokens.addAndGet((long) sample[2]);
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }
            }, "bench-client-" + c);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double wall = (System.nanoTime() - start) / 1e9;
        List<Double> latency = samples.stream().map(s -> s[0]).sorted().toList();
        List<Double> ttft = samples.stream().map(s -> s[1]).sorted().toList();
        return new Load(preset, clients, wall, samples.size(), errors.get(), tokens.get(), percentile(latency, 50),
                percentile(latency, 95), percentile(ttft, 50), percentile(ttft, 95));
    }

    /** One streaming chat request: {latency ms, time to first content ms, completion tokens}. */
    private static double[] stream(int port, String key, String endpoint) throws Exception {
        String body = JSON.createObjectNode().put("model", endpoint).put("max_tokens", MAX_TOKENS)
                .put("temperature", 0).put("stream", true)
                .<com.fasterxml.jackson.databind.node.ObjectNode>set("stream_options",
                        JSON.createObjectNode().put("include_usage", true))
                .<com.fasterxml.jackson.databind.node.ObjectNode>set("messages", JSON.createArrayNode()
                        .add(JSON.createObjectNode().put("role", "user").put("content", PROMPT)))
                .toString();
        long sent = System.nanoTime();
        HttpResponse<Stream<String>> response = HTTP.send(request(port, key, "chat/completions", body),
                HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + response.statusCode());
        }
        double firstContent = -1;
        int completionTokens = -1;
        boolean done = false;
        try (Stream<String> lines = response.body()) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (!line.startsWith("data: ")) {
                    continue;
                }
                String data = line.substring(6);
                if (data.equals("[DONE]")) {
                    done = true;
                    break;
                }
                // cheap checks per chunk: on two shared cores the clients' parsing competes with the server
                if (data.startsWith("{\"error\"")) {
                    throw new IllegalStateException(data);
                }
                if (firstContent < 0 && CONTENT.matcher(data).find()) {
                    firstContent = (System.nanoTime() - sent) / 1e6;
                }
                if (data.contains("\"usage\"")) {
                    completionTokens = JSON.readTree(data).get("usage").get("completion_tokens").asInt();
                }
            }
        }
        if (!done || completionTokens < 0) {
            throw new IllegalStateException("the stream ended early");
        }
        return new double[] {(System.nanoTime() - sent) / 1e6, Math.max(0, firstContent), completionTokens};
    }

    /** p50 of one-token requests over HTTP minus p50 of the same work in-process. */
    private static String overhead(int port, String key, String endpoint, String preset, Path modelPackage,
            Path work) throws Exception {
        String body = JSON.createObjectNode().put("model", endpoint).put("max_tokens", 1).put("temperature", 0)
                .<com.fasterxml.jackson.databind.node.ObjectNode>set("messages", JSON.createArrayNode()
                        .add(JSON.createObjectNode().put("role", "user").put("content", PROMPT)))
                .toString();
        List<Double> http = new ArrayList<>();
        for (int i = 0; i < 700; i++) {
            long sent = System.nanoTime();
            HttpResponse<String> response = HTTP.send(request(port, key, "chat/completions", body),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + response.statusCode() + ": " + response.body());
            }
            if (i >= 200) {
                http.add((System.nanoTime() - sent) / 1e6);
            }
        }
        ServingModel model = ServingModel.load(modelPackage, Files.createDirectories(work.resolve("in-process")));
        ContinuousBatcher batcher = new ContinuousBatcher(model, 32);
        List<Double> local = new ArrayList<>();
        for (int i = 0; i < 700; i++) {
            long sent = System.nanoTime();
            ServingBenchModels.generateInProcess(batcher, model, PROMPT, 1);
            if (i >= 200) {
                local.add((System.nanoTime() - sent) / 1e6);
            }
        }
        Collections.sort(http);
        Collections.sort(local);
        String line = String.format(Locale.ROOT, "%s: one-token request p50 %.3f ms over HTTP, %.3f ms in-process:"
                        + " gateway overhead p50 %.3f ms (p95 %.3f vs %.3f ms)", preset, percentile(http, 50),
                percentile(local, 50), percentile(http, 50) - percentile(local, 50), percentile(http, 95),
                percentile(local, 95));
        log(line);
        return line;
    }

    private static HttpRequest request(int port, String key, String path, String body) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/" + path))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .timeout(Duration.ofMinutes(5)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static void summary(List<Load> loads, List<String> overheads, Load soak) {
        StringBuilder out = new StringBuilder();
        out.append("\n=== Serving benchmark, ").append(LocalDate.now()).append(", ").append(Machine.nproc())
                .append(" CPU(s) ").append(Machine.cpuModel()).append(", ").append(Machine.memTotal()).append('\n');
        out.append("| preset | clients | tokens/s | p50 latency | p95 latency | first token p50 | first token p95 |"
                + " requests | errors |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Load load : loads) {
            out.append(String.format(Locale.ROOT, "| %s | %d | %,.0f | %.0f ms | %.0f ms | %.1f ms | %.1f ms | %d |"
                            + " %d |%n", load.preset(), load.clients(), load.tokensPerSecond(), load.p50Ms(),
                    load.p95Ms(), load.ttftP50Ms(), load.ttftP95Ms(), load.requests(), load.errors()));
        }
        for (String preset : loads.stream().map(Load::preset).distinct().toList()) {
            double one = loads.stream().filter(l -> l.preset().equals(preset) && l.clients() == 1).findFirst()
                    .orElseThrow().tokensPerSecond();
            double many = loads.stream().filter(l -> l.preset().equals(preset) && l.clients() == 32).findFirst()
                    .orElseThrow().tokensPerSecond();
            out.append(String.format(Locale.ROOT, "%s: throughput at 32 clients = %.1f× that at 1 client (goal ≥ 4×)%n",
                    preset, many / one));
        }
        overheads.forEach(line -> out.append(line).append(" (goal < 2 ms)\n"));
        if (soak != null) {
            out.append(String.format(Locale.ROOT, "soak: tiny, 32 clients, %.0f s: %d requests, %d errors (goal 0),"
                    + " %,.0f tokens/s%n", soak.seconds(), soak.requests(), soak.errors(), soak.tokensPerSecond()));
        }
        System.out.println(out);
    }

    private static double percentile(List<Double> sorted, int percentile) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }

    private static <T> T as(Callable<T> action) {
        return SignedIn.as(ENGINEER, List.of(Role.ML_ENGINEER), action);
    }

    private static void log(String line) {
        System.out.println("[serving-bench] " + line);
    }
}
