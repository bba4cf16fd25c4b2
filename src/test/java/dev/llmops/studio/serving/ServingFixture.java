package dev.llmops.studio.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmops.studio.model.ServingTestModels;
import dev.llmops.studio.registry.ModelRegistryService;
import dev.llmops.studio.registry.ModelVersionInfo;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.support.Users;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.springframework.context.ApplicationContext;

/** Registers test models and deploys them, as an ML engineer, for the serving tests; and calls them over HTTP. */
final class ServingFixture {

    private final ModelRegistryService registry;
    private final EndpointService endpoints;
    private final RequestLog requestLog;
    private final EndpointRepository repository;
    final String engineer;

    ServingFixture(ModelRegistryService registry, EndpointService endpoints, Users users) {
        this(registry, endpoints, users, null, null);
    }

    /** With the request log, to tell which deployment answered. */
    ServingFixture(ApplicationContext context) {
        this(context.getBean(ModelRegistryService.class), context.getBean(EndpointService.class),
                context.getBean(Users.class), context.getBean(RequestLog.class),
                context.getBean(EndpointRepository.class));
    }

    private ServingFixture(ModelRegistryService registry, EndpointService endpoints, Users users,
            RequestLog requestLog, EndpointRepository repository) {
        this.registry = registry;
        this.endpoints = endpoints;
        this.requestLog = requestLog;
        this.repository = repository;
        this.engineer = users.create("serving-engineer", Role.ML_ENGINEER);
    }

    /** A fresh endpoint name (lower case, as endpoint names are). */
    static String endpointName(String stem) {
        return Users.uniqueName(stem).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    }

    ModelVersionInfo register(String modelName, Path modelPackage) {
        return as(() -> registry.importHuggingFace(modelName, modelPackage, modelPackage.getFileName().toString()));
    }

    ModelVersionInfo registerTrained(String modelName) {
        return register(modelName, ServingTestModels.trainedTinyPackage());
    }

    EndpointInfo deploy(String endpoint, ModelVersionInfo version, int canaryPercent, EndpointSettings settings) {
        return as(() -> endpoints.deploy(new DeployCommand(endpoint, version.modelName(), version.version(),
                canaryPercent, settings)));
    }

    EndpointInfo promote(String endpoint) {
        return as(() -> endpoints.promote(endpoint));
    }

    EndpointInfo rollback(String endpoint) {
        return as(() -> endpoints.rollback(endpoint));
    }

    String key(String endpoint, Integer requestsPerMinute, Integer tokensPerMinute) {
        return as(() -> endpoints.createKey(endpoint, "test key", requestsPerMinute, tokensPerMinute)).secret();
    }

    EndpointInfo get(String endpoint) {
        return as(() -> endpoints.get(endpoint));
    }

    List<EndpointEvent> events(String endpoint) {
        return as(() -> endpoints.events(endpoint, 100));
    }

    List<EndpointEvent> events(String endpoint, String kind) {
        return events(endpoint).stream().filter(e -> e.kind().equals(kind)).toList();
    }

    List<DeploymentInfo> history(String endpoint) {
        return as(() -> endpoints.history(endpoint));
    }

    List<ReplicaInfo> replicas(String endpoint) {
        return as(() -> endpoints.replicas(endpoint));
    }

    List<ReplicaInfo> replicasOf(String endpoint, long deploymentId) {
        return replicas(endpoint).stream().filter(r -> r.deploymentId() == deploymentId).toList();
    }

    /** Waits until the endpoint matches, failing with its state and activity when it does not in time. */
    EndpointInfo await(String endpoint, Duration timeout, Predicate<EndpointInfo> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            EndpointInfo info = get(endpoint);
            if (condition.test(info)) {
                return info;
            }
            if (System.nanoTime() > deadline) {
                assertThat(info).as("endpoint %s; replicas %s; activity %s", endpoint, replicas(endpoint),
                        events(endpoint)).matches(condition);
            }
            pause(100);
        }
    }

    EndpointInfo awaitServing(String endpoint, ModelVersionInfo version) {
        return await(endpoint, Duration.ofSeconds(90), info -> info.status() == EndpointStatus.READY
                && info.deployments().size() == 1 && info.deployments().get(0).modelVersionId() == version.id()
                && info.deployments().get(0).state() == DeploymentState.ACTIVE);
    }

    /** Waits for {@code condition}, failing with {@code what} and the endpoint's state when it does not come. */
    void awaitTrue(String endpoint, String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; endpoint " + get(endpoint)
                        + "; replicas " + replicas(endpoint) + "; activity " + events(endpoint));
            }
            pause(100);
        }
    }

    /** The request log of the endpoint so far, oldest first (written out first). */
    List<LoggedRequest> requestLog(String endpoint) {
        requestLog.flush();
        long endpointId = get(endpoint).id();
        List<LoggedRequest> records = new ArrayList<>(repository.recentRequests(endpointId, 100_000));
        Collections.reverse(records);
        return records;
    }

    /**
     * How many requests each deployment answered, by deployment id, once the log holds {@code expected} requests
     * (the log is written by its own thread, a moment after the answer).
     */
    Map<Long, Long> answeredByDeployment(String endpoint, int expected) {
        List<LoggedRequest> log = new ArrayList<>();
        awaitTrue(endpoint, expected + " requests in the request log", Duration.ofSeconds(30), () -> {
            log.clear();
            log.addAll(requestLog(endpoint));
            return log.size() >= expected;
        });
        assertThat(log).as("requests logged").hasSize(expected);
        return log.stream().filter(r -> r.status() == 200)
                .collect(Collectors.groupingBy(LoggedRequest::deploymentId, Collectors.counting()));
    }

    <T> T as(Callable<T> action) {
        return SignedIn.as(engineer, List.of(Role.ML_ENGINEER), action);
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- calling an endpoint over HTTP ----

    /** One answer as the client saw it: the status, the text (or the error message) and the finish reason. */
    record Answer(int status, String content, String finishReason, String error) {

        boolean ok() {
            return status == 200;
        }
    }

    /** A plain HTTP client of the OpenAI-compatible API with one endpoint's key. */
    static final class Client {

        private static final ObjectMapper JSON = new ObjectMapper();
        private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();

        private final URI chat;
        private final String key;
        private final String endpoint;

        Client(int port, String key, String endpoint) {
            this.chat = URI.create("http://localhost:" + port + "/v1/chat/completions");
            this.key = key;
            this.endpoint = endpoint;
        }

        /** A non-streaming chat request with one user message. */
        Answer chat(String message, int maxTokens, double temperature) {
            ObjectNode body = JSON.createObjectNode().put("model", endpoint).put("max_tokens", maxTokens)
                    .put("temperature", temperature);
            body.putArray("messages").addObject().put("role", "user").put("content", message);
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(chat)
                        .timeout(Duration.ofMinutes(3)).header("Authorization", "Bearer " + key)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                        HttpResponse.BodyHandlers.ofString());
                JsonNode answer;
                try {
                    answer = JSON.readTree(response.body());
                } catch (IOException notJson) {
                    return new Answer(response.statusCode(), null, null, response.body());
                }
                if (response.statusCode() == 200) {
                    JsonNode choice = answer.path("choices").path(0);
                    return new Answer(200, choice.path("message").path("content").asText(),
                            choice.path("finish_reason").asText(), null);
                }
                return new Answer(response.statusCode(), null, null, answer.path("error").path("message").asText(
                        response.body()));
            } catch (IOException e) {
                return new Answer(-1, null, null, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Answer(-1, null, null, e.toString());
            }
        }

        /** {@code total} requests from {@code threads} client threads; the answers in no particular order. */
        static List<Answer> send(int total, int threads, Supplier<Answer> request) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<Answer>> futures = new ArrayList<>();
                for (int i = 0; i < total; i++) {
                    futures.add(pool.submit(request::get));
                }
                List<Answer> answers = new ArrayList<>();
                for (Future<Answer> future : futures) {
                    answers.add(future.get(5, TimeUnit.MINUTES));
                }
                return answers;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** Client threads sending a request again and again until stopped, keeping every answer. */
    static final class Load implements AutoCloseable {

        private final List<Answer> answers = Collections.synchronizedList(new ArrayList<>());
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean running = true;

        Load(int clients, Supplier<Answer> request) {
            for (int i = 0; i < clients; i++) {
                Thread thread = new Thread(() -> {
                    while (running) {
                        answers.add(request.get());
                    }
                }, "test-load-" + i);
                thread.setDaemon(true);
                thread.start();
                threads.add(thread);
            }
        }

        int count() {
            return answers.size();
        }

        /** Waits until {@code more} answers beyond those received so far have come. */
        void awaitMore(int more, Duration timeout) {
            int target = count() + more;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (count() < target) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("only " + count() + " of " + target + " answers in " + timeout
                            + "; failed so far: " + failures());
                }
                pause(50);
            }
        }

        List<Answer> failures() {
            synchronized (answers) {
                return answers.stream().filter(a -> !a.ok()).toList();
            }
        }

        /** Stops sending, waits for the requests under way, and returns every answer. */
        List<Answer> stop() {
            running = false;
            for (Thread thread : threads) {
                try {
                    thread.join(Duration.ofMinutes(3).toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            synchronized (answers) {
                return List.copyOf(answers);
            }
        }

        @Override
        public void close() {
            running = false;
        }
    }
}
