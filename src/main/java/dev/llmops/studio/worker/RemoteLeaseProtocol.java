package dev.llmops.studio.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.llmops.studio.artifact.ArtifactRef;
import dev.llmops.studio.artifact.ArtifactStore;
import dev.llmops.studio.run.MetricPoint;
import dev.llmops.studio.run.TaskDispatcher.Heartbeat;
import dev.llmops.studio.run.TaskLease;
import dev.llmops.studio.run.WorkerOffer;
import dev.llmops.studio.serving.ReplicaAssignment;
import dev.llmops.studio.serving.ReplicaEvent;
import dev.llmops.studio.serving.ReplicaState;
import dev.llmops.studio.serving.ReplicaWork;
import dev.llmops.studio.worker.WorkerProtocolController.ArtifactReference;
import dev.llmops.studio.worker.WorkerProtocolController.ReplicaEvents;
import dev.llmops.studio.worker.WorkerProtocolController.ReplicaReport;
import dev.llmops.studio.worker.WorkerProtocolController.ReplicaWorkRequest;
import dev.llmops.studio.worker.WorkerProtocolController.Failure;
import dev.llmops.studio.worker.WorkerProtocolController.LeaseRequest;
import dev.llmops.studio.worker.WorkerProtocolController.LogLines;
import dev.llmops.studio.worker.WorkerProtocolController.MetricPoints;
import dev.llmops.studio.worker.WorkerProtocolController.Progress;
import dev.llmops.studio.worker.WorkerProtocolController.Registered;
import dev.llmops.studio.worker.WorkerProtocolController.Registration;
import dev.llmops.studio.worker.WorkerProtocolController.WorkerStatus;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker protocol over HTTP with a worker token, for remote workers. Reports that must not be lost (started,
 * succeeded, failed, cancelled) are retried while the server is unreachable; inputs are cached by content
 * address and checked against it, so a corrupted download is never handed to an executor.
 */
final class RemoteLeaseProtocol implements LeaseProtocol, ReplicaTransport {

    private static final Logger log = LoggerFactory.getLogger(RemoteLeaseProtocol.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final int REPORT_ATTEMPTS = 5;

    private final URI api;
    private final String token;
    private final String workerId;
    private final Path cache;
    private final HttpClient http;
    private final ObjectMapper json = JsonMapper.builder().findAndAddModules()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private volatile Duration leaseDuration = Duration.ofSeconds(30);

    RemoteLeaseProtocol(URI server, String token, String workerId, Path cache) {
        String base = server.toString().endsWith("/") ? server.toString() : server + "/";
        this.api = URI.create(base + "api/worker/v1/");
        this.token = token;
        this.workerId = workerId;
        this.cache = cache;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** The server answered with an error, or could not be reached. */
    static final class RemoteCallException extends RuntimeException {
        final int status;

        RemoteCallException(int status, String message, Throwable cause) {
            super(message, cause);
            this.status = status;
        }
    }

    void register(String name, int slots, Capabilities capabilities) {
        Registered registered = call("POST", "workers", new Registration(workerId, name, slots, capabilities),
                Registered.class, CALL_TIMEOUT).orElseThrow();
        leaseDuration = Duration.ofMillis(registered.leaseDurationMs());
    }

    @Override
    public Optional<TaskLease> lease(WorkerOffer offer, Duration wait) {
        return call("POST", worker("lease"), new LeaseRequest(offer, wait.toMillis()), TaskLease.class,
                wait.plus(CALL_TIMEOUT));
    }

    @Override
    public Duration leaseDuration() {
        return leaseDuration;
    }

    @Override
    public boolean started(long taskId) {
        return report(() -> call("POST", task(taskId, "started"), null, Boolean.class, CALL_TIMEOUT)
                .orElse(false));
    }

    @Override
    public Heartbeat renew(long taskId) {
        return call("POST", task(taskId, "renew"), null, Heartbeat.class, CALL_TIMEOUT).orElseThrow();
    }

    @Override
    public void log(long taskId, List<String> lines) {
        call("POST", task(taskId, "log"), new LogLines(lines), Void.class, CALL_TIMEOUT);
    }

    @Override
    public void progress(long taskId, double fraction) {
        call("POST", task(taskId, "progress"), new Progress(fraction), Void.class, CALL_TIMEOUT);
    }

    @Override
    public boolean metrics(long taskId, List<MetricPoint> points) {
        return call("POST", task(taskId, "metrics"), new MetricPoints(points), Boolean.class, CALL_TIMEOUT)
                .orElse(false);
    }

    @Override
    public Path input(long taskId, String port, ArtifactRef expected) throws IOException {
        return download(task(taskId, "inputs/" + port), expected, "Input " + port + " of task " + taskId);
    }

    @Override
    public Path checkpoint(long taskId, ArtifactRef expected) throws IOException {
        return download(task(taskId, "checkpoint"), expected, "The checkpoint of task " + taskId);
    }

    @Override
    public void saveCheckpoint(long taskId, InputStream content) throws IOException {
        upload(task(taskId, "checkpoint"), content);
    }

    /** Downloads into the cache, keyed and checked by the content's address, unless it is there already. */
    private Path download(String path, ArtifactRef expected, String what) throws IOException {
        Path cached = cache.resolve(expected.sha256());
        if (Files.isRegularFile(cached)) {
            return cached;
        }
        Files.createDirectories(cache);
        HttpRequest request = request(path, CALL_TIMEOUT).GET().build();
        HttpResponse<InputStream> response = send(request, BodyHandlers.ofInputStream());
        Path temporary = Files.createTempFile(cache, "download-", ".part");
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw failure(response.statusCode(), new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
            ArtifactRef received = ArtifactStore.copyHashing(body, temporary);
            if (!received.equals(expected)) {
                throw new IOException(what + " arrived corrupted: expected " + expected + ", received " + received);
            }
            try {
                Files.move(temporary, cached, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                if (!Files.isRegularFile(cached)) {
                    throw e;
                }
            }
            return cached;
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    @Override
    public ArtifactRef output(long taskId, String port, InputStream content) throws IOException {
        return upload(task(taskId, "outputs/" + port), content);
    }

    private ArtifactRef upload(String path, InputStream content) throws IOException {
        HttpRequest request = request(path, Duration.ofHours(6))
                .header("Content-Type", "application/octet-stream")
                .PUT(BodyPublishers.ofInputStream(() -> content)).build();
        HttpResponse<String> response = send(request, BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw failure(response.statusCode(), response.body());
        }
        return ArtifactRef.parse(json.readValue(response.body(), ArtifactReference.class).artifact());
    }

    /**
     * Not over HTTP: naming any stored artifact as an output would let a worker token pass on content it was never
     * given (and then read it as its own successor's input). Steps that pass stored artifacts on run on the server.
     */
    @Override
    public void output(long taskId, String port, ArtifactRef stored) {
        throw new UnsupportedOperationException("Passing on a stored artifact works only on the server's embedded "
                + "worker; this step type should not be registered on remote workers");
    }

    @Override
    public void succeeded(long taskId) {
        report(() -> call("POST", task(taskId, "succeeded"), null, Void.class, CALL_TIMEOUT));
    }

    @Override
    public void failed(long taskId, String message, boolean retryable) {
        report(() -> call("POST", task(taskId, "failed"), new Failure(message, retryable), Void.class,
                CALL_TIMEOUT));
    }

    @Override
    public void cancelled(long taskId) {
        report(() -> call("POST", task(taskId, "cancelled"), null, Void.class, CALL_TIMEOUT));
    }

    @Override
    public void waiting(long taskId, String reason, Instant wakeAt) {
        report(() -> call("POST", task(taskId, "waiting"), new WorkerProtocolController.Waiting(reason, wakeAt),
                Void.class, CALL_TIMEOUT));
    }

    @Override
    public void heartbeat() {
        call("POST", worker("heartbeat"), null, WorkerStatus.class, CALL_TIMEOUT);
    }

    @Override
    public void offline() {
        call("POST", worker("offline"), null, Void.class, Duration.ofSeconds(5));
    }

    // ---- serving replicas ----

    @Override
    public List<ReplicaAssignment> replicaAssignments() {
        return call("GET", worker("replicas"), null, ReplicaAssignment[].class, CALL_TIMEOUT)
                .map(List::of).orElse(List.of());
    }

    /** Downloads the decrypted package for one replica, checked against its address; the replica deletes it. */
    @Override
    public Path replicaModel(ReplicaAssignment assignment) throws IOException {
        Path folder = Files.createDirectories(cache.resolveSibling("replica-models"));
        Path target = folder.resolve("replica-" + assignment.replicaId() + ".zip");
        HttpResponse<InputStream> response = send(request(replica(assignment.replicaId(), "model"),
                Duration.ofMinutes(30)).GET().build(), BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw failure(response.statusCode(), new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
            ArtifactRef received = ArtifactStore.copyHashing(body, target);
            if (!received.toString().equals(assignment.modelArtifact())) {
                Files.deleteIfExists(target);
                throw new IOException("The model of replica " + assignment.replicaId() + " arrived corrupted: expected "
                        + assignment.modelArtifact() + ", received " + received);
            }
        }
        return target;
    }

    @Override
    public void replicaReport(long replicaId, ReplicaState state, String message) {
        report(() -> call("POST", replica(replicaId, "report"), new ReplicaReport(state, message), Void.class,
                CALL_TIMEOUT));
    }

    @Override
    public ReplicaWork replicaWork(long replicaId, int capacity, Duration wait) {
        return call("POST", replica(replicaId, "work"), new ReplicaWorkRequest(wait.toMillis(), capacity),
                ReplicaWork.class,
                wait.plus(CALL_TIMEOUT)).orElse(new ReplicaWork(List.of(), List.of(), false));
    }

    @Override
    public void replicaEvents(long replicaId, List<ReplicaEvent> events) {
        call("POST", replica(replicaId, "events"), new ReplicaEvents(events), Void.class, CALL_TIMEOUT);
    }

    private String replica(long replicaId, String action) {
        return worker("replicas/" + replicaId + "/" + action);
    }

    private String worker(String action) {
        return "workers/" + workerId + "/" + action;
    }

    private String task(long taskId, String action) {
        return worker("tasks/" + taskId + "/" + action);
    }

    /** Retries an outcome report while the server is unreachable or failing, so a blip does not lose it. */
    private <T> T report(Supplier<T> call) {
        RemoteCallException last = null;
        for (int attempt = 1; attempt <= REPORT_ATTEMPTS; attempt++) {
            try {
                return call.get();
            } catch (RemoteCallException e) {
                if (e.status != 0 && e.status < 500) {
                    throw e;
                }
                last = e;
                log.warn("Report to the server failed (attempt {} of {}): {}", attempt, REPORT_ATTEMPTS,
                        e.getMessage());
                try {
                    Thread.sleep(1000L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw last;
    }

    private <T> Optional<T> call(String method, String path, Object body, Class<T> type, Duration timeout) {
        BodyPublisher publisher;
        try {
            publisher = body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(json.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        HttpRequest request = request(path, timeout).header("Content-Type", "application/json")
                .method(method, publisher).build();
        HttpResponse<String> response = send(request, BodyHandlers.ofString());
        int status = response.statusCode();
        if (status == 204 || type == Void.class && status / 100 == 2) {
            return Optional.empty();
        }
        if (status != 200) {
            throw failure(status, response.body());
        }
        try {
            return Optional.ofNullable(json.readValue(response.body(), type));
        } catch (JsonProcessingException e) {
            throw new RemoteCallException(status, "Unexpected answer from the server: " + e.getOriginalMessage(), e);
        }
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        return HttpRequest.newBuilder(api.resolve(path)).timeout(timeout)
                .header("Authorization", "Bearer " + token);
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw new RemoteCallException(0, "Server " + api.resolve("/") + " unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteCallException(0, "interrupted", e);
        }
    }

    private RuntimeException failure(int status, String body) {
        String detail = problemDetail(body);
        if (status == 401) {
            // revoked, mistyped, or meant for another server: retrying cannot help
            return new WorkerRejectedException("The server refused the worker token (" + detail + ")");
        }
        return new RemoteCallException(status, "HTTP " + status + ": " + detail, null);
    }

    private String problemDetail(String body) {
        try {
            var node = json.readTree(body);
            return node.hasNonNull("detail") ? node.get("detail").asText() : body;
        } catch (IOException | RuntimeException e) {
            return body == null ? "" : body;
        }
    }
}
