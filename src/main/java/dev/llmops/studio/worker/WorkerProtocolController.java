package dev.llmops.studio.worker;

import dev.llmops.studio.artifact.ArtifactRef;
import dev.llmops.studio.platform.ConflictException;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.run.MetricPoint;
import dev.llmops.studio.run.TaskDispatcher;
import dev.llmops.studio.run.TaskDispatcher.Heartbeat;
import dev.llmops.studio.run.TaskLease;
import dev.llmops.studio.run.WorkerOffer;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.serving.ReplicaAssignment;
import dev.llmops.studio.serving.ReplicaCoordinator;
import dev.llmops.studio.serving.ReplicaEvent;
import dev.llmops.studio.serving.ReplicaState;
import dev.llmops.studio.serving.ReplicaWork;
import dev.llmops.studio.security.RequiresPermission;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.InputStreamResource;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The worker protocol over HTTP, for remote workers holding a worker token. Every call names the worker, and a
 * token may act only for the workers it registered; artifacts stream in both directions (never whole in memory)
 * and only for tasks the worker holds. Leasing is a long-poll, so an idle worker gets a task the moment it is
 * queued without hammering the server.
 */
@RestController
@RequestMapping("/api/worker/v1")
@RequiresPermission(Permission.WORKER_PROTOCOL)
@Tag(name = "Worker protocol", description = "Used by remote workers (worker tokens only)")
class WorkerProtocolController {

    static final Duration MAX_LEASE_WAIT = Duration.ofSeconds(25);
    private static final Pattern WORKER_ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");
    private static final Pattern PORT = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final WorkerGateway gateway;
    private final TaskDispatcher dispatcher;
    private final WorkerRepository workers;
    private final ReplicaCoordinator replicaCoordinator;

    WorkerProtocolController(WorkerGateway gateway, TaskDispatcher dispatcher, WorkerRepository workers,
            ReplicaCoordinator replicaCoordinator) {
        this.gateway = gateway;
        this.dispatcher = dispatcher;
        this.workers = workers;
        this.replicaCoordinator = replicaCoordinator;
    }

    record Registration(String workerId, String name, int slots, Capabilities capabilities) {
    }

    record Registered(long leaseDurationMs) {
    }

    record LeaseRequest(WorkerOffer offer, long waitMs) {
    }

    record LogLines(List<String> lines) {
    }

    record Progress(double fraction) {
    }

    record MetricPoints(List<MetricPoint> points) {
    }

    /** {@code retryable} absent counts as true, as workers of the previous version sent no such field. */
    record Failure(String message, Boolean retryable) {
    }

    /** The step waits for people until woken or {@code wakeAt} (null: no deadline). */
    record Waiting(String reason, Instant wakeAt) {
    }

    record WorkerStatus(WorkerState state) {
    }

    @PostMapping("/workers")
    Registered register(@RequestBody Registration registration, @AuthenticationPrincipal WorkerTokenPrincipal token) {
        if (registration.workerId() == null || !WORKER_ID.matcher(registration.workerId()).matches()) {
            throw new InvalidRequestException("workerId", "A worker id is 1 to 100 letters, digits or ._:-");
        }
        if (registration.capabilities() == null || registration.slots() < 1 || registration.slots() > 256) {
            throw new InvalidRequestException("slots", "Send the worker's capabilities and 1 to 256 slots.");
        }
        workers.tokenOf(registration.workerId()).ifPresent(owner -> {
            if (owner != token.tokenId()) {
                throw new ConflictException("workerId", "Worker id " + registration.workerId()
                        + " belongs to another worker token; choose another name.");
            }
        });
        if (workers.exists(registration.workerId()) && workers.tokenOf(registration.workerId()).isEmpty()) {
            throw new ConflictException("workerId", "Worker id " + registration.workerId() + " is taken.");
        }
        String name = registration.name() == null || registration.name().isBlank() ? registration.workerId()
                : registration.name().strip();
        workers.register(registration.workerId(), name.length() > 200 ? name.substring(0, 200) : name,
                WorkerKind.REMOTE, registration.slots(), registration.capabilities(), token.tokenId());
        return new Registered(dispatcher.leaseDuration().toMillis());
    }

    @PostMapping("/workers/{workerId}/heartbeat")
    WorkerStatus heartbeat(@PathVariable String workerId, @AuthenticationPrincipal WorkerTokenPrincipal token) {
        requireOwn(workerId, token);
        workers.heartbeat(workerId);
        return new WorkerStatus(workers.state(workerId).orElseThrow());
    }

    @PostMapping("/workers/{workerId}/offline")
    ResponseEntity<Void> offline(@PathVariable String workerId, @AuthenticationPrincipal WorkerTokenPrincipal token) {
        requireOwn(workerId, token);
        workers.offline(workerId);
        return ResponseEntity.noContent().build();
    }

    /** 200 with a task, or 204 when none came within the wait (the worker simply asks again). */
    @PostMapping("/workers/{workerId}/lease")
    ResponseEntity<TaskLease> lease(@PathVariable String workerId, @RequestBody LeaseRequest request,
            @AuthenticationPrincipal WorkerTokenPrincipal token) throws InterruptedException {
        requireOwn(workerId, token);
        if (request.offer() == null) {
            throw new InvalidRequestException("offer", "Send what the worker offers.");
        }
        Duration wait = Duration.ofMillis(Math.max(0, Math.min(request.waitMs(), MAX_LEASE_WAIT.toMillis())));
        return gateway.lease(workerId, request.offer(), wait).map(ResponseEntity::ok)
                .orElseGet(() -> ResponseEntity.noContent().build());
    }

    @PostMapping("/workers/{workerId}/tasks/{taskId}/started")
    boolean started(@PathVariable String workerId, @PathVariable long taskId,
            @AuthenticationPrincipal WorkerTokenPrincipal token) {
        requireOwn(workerId, token);
        return dispatcher.started(taskId, workerId);
    }

    @PostMapping("/workers/{workerId}/tasks/{taskId}/renew")
    Heartbeat renew(@PathVariable String workerId, @PathVariable long taskId,
            @AuthenticationPrincipal WorkerTokenPrincipal token) {
        requireOwn(workerId, token);
        return dispatcher.renew(taskId, workerId);
    }

    @PostMapping("/workers/{workerId}/tasks/{taskId}/log")
    ResponseEntity<Void> log(@PathVariable String workerId, @PathVariable long taskId, @RequestBody LogLines log,
            @AuthenticationPrincipal WorkerTokenPrincipal token) {
        requireHeld(workerId, taskId, token);
        dispatcher.log(taskId, workerId, log.lines() == null ? List.of() : log.lines());
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/workers/{workerId}/tasks/{taskId}/progress")
    ResponseEntity<Void> progress(@PathVariable String workerId, @PathVariable long taskId,
            @RequestBody Progress progress, @AuthenticationPrincipal WorkerTokenPrincipal token) {
        requireOwn(workerId, token);
        dispatcher.progress(taskId, workerId, progress.fraction());
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/workers/{workerId}/tasks/{taskId}/metrics")
    boolean metrics(@PathVariable String workerId, @PathVariable long taskId, @RequestBody MetricPoints metrics,
            @AuthenticationPrincipal WorkerTokenPrincipal token) {
        requireOwn(workerId, token);
        return dispatcher.metrics(taskId, workerId, metrics.points() == null ? List.of() : metrics.points());
    }

    /** Streams the artifact on an input port of a held task; the worker checks it against the lease's address. */
    @GetMapping(value = "/workers/{workerId}/tasks/{taskId}/inputs/{port}",
            produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<Resource> input(@PathVariable String workerId, @PathVariable long taskId,
            @PathVariable String port, @AuthenticationPrincipal WorkerTokenPrincipal token) {
        requireOwn(workerId, token);
        Path file = gateway.input(taskId, workerId, port)
                .orElseThrow(() -> new WorkerGateway.TaskNotHeldException(taskId, workerId));
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).body(new FileSystemResource(file));
    }

    /** Streams the request body into the artifact store as the held task's output on a port. */
    @PutMapping(value = "/workers/{workerId}/tasks/{taskId}/outputs/{port}")
    ArtifactReference output(@PathVariable String workerId, @PathVariable long taskId, @PathVariable String port,
            HttpServletRequest request, @AuthenticationPrincipal WorkerTokenPrincipal token) throws IOException {
        requireOwn(workerId, token);
        if (!PORT.matcher(port).matches()) {
            throw new InvalidRequestException("port", "Unknown output port " + port);
        }
        ArtifactRef ref = gateway.output(taskId, workerId, port, request.getInputStream());
        return new ArtifactReference(ref.toString());
    }

    record ArtifactReference(String artifact) {
    }

    /** Streams a checkpoint of the held task into the store, replacing its previous one. */
    @PutMapping("/workers/{workerId}/tasks/{taskId}/checkpoint")
    ArtifactReference saveCheckpoint(@PathVariable String workerId, @PathVariable long taskId,
            HttpServletRequest request, @AuthenticationPrincipal WorkerTokenPrincipal token) throws IOException {
        requireOwn(workerId, token);
        return new ArtifactReference(gateway.saveCheckpoint(taskId, workerId, request.getInputStream()).toString());
    }

    @GetMapping(value = "/workers/{workerId}/tasks/{taskId}/checkpoint",
            produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<Resource> checkpoint(@PathVariable String workerId, @PathVariable long taskId,
            @AuthenticationPrincipal WorkerTokenPrincipal token) {
        requireOwn(workerId, token);
        Path file = gateway.checkpoint(taskId, workerId)
                .orElseThrow(() -> new WorkerGateway.TaskNotHeldException(taskId, workerId));
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).body(new FileSystemResource(file));
    }

    @PostMapping("/workers/{workerId}/tasks/{taskId}/succeeded")
    ResponseEntity<Void> succeeded(@PathVariable String workerId, @PathVariable long taskId,
            @AuthenticationPrincipal WorkerTokenPrincipal token) {
        requireOwn(workerId, token);
        dispatcher.succeeded(taskId, workerId);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/workers/{workerId}/tasks/{taskId}/failed")
    ResponseEntity<Void> failed(@PathVariable String workerId, @PathVariable long taskId,
            @RequestBody Failure failure, @AuthenticationPrincipal WorkerTokenPrincipal token) {
        requireOwn(workerId, token);
        dispatcher.failed(taskId, workerId, failure.message() == null ? "failed" : failure.message(),
                !Boolean.FALSE.equals(failure.retryable()));
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/workers/{workerId}/tasks/{taskId}/waiting")
    ResponseEntity<Void> waiting(@PathVariable String workerId, @PathVariable long taskId,
            @RequestBody Waiting waiting, @AuthenticationPrincipal WorkerTokenPrincipal token) {
        requireOwn(workerId, token);
        dispatcher.waiting(taskId, workerId, waiting.reason() == null ? "waiting" : waiting.reason(),
                waiting.wakeAt());
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/workers/{workerId}/tasks/{taskId}/cancelled")
    ResponseEntity<Void> cancelled(@PathVariable String workerId, @PathVariable long taskId,
            @AuthenticationPrincipal WorkerTokenPrincipal token) {
        requireOwn(workerId, token);
        dispatcher.cancelled(taskId, workerId);
        return ResponseEntity.noContent().build();
    }

    // ---- serving replicas ----

    record ReplicaReport(ReplicaState state, String message) {
    }

    /** {@code capacity}: the replica's free batch slots, as many requests as it may be given. */
    record ReplicaWorkRequest(long waitMs, int capacity) {
    }

    record ReplicaEvents(List<ReplicaEvent> events) {
    }

    /** The model replicas this worker should run; asking also places waiting replicas on it. */
    @GetMapping("/workers/{workerId}/replicas")
    List<ReplicaAssignment> replicas(@PathVariable String workerId,
            @AuthenticationPrincipal WorkerTokenPrincipal token) {
        requireOwn(workerId, token);
        workers.heartbeat(workerId);
        return replicaCoordinator.assignments(workerId);
    }

    /**
     * The decrypted model package of a replica assigned to this worker (checked by the worker against its address).
     * Written on the request's own thread, as the task inputs are: an asynchronous body would end in an async
     * dispatch that the stateless token chain no longer authenticates, cutting the download off.
     */
    @GetMapping(value = "/workers/{workerId}/replicas/{replicaId}/model",
            produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<Resource> replicaModel(@PathVariable String workerId, @PathVariable long replicaId,
            @AuthenticationPrincipal WorkerTokenPrincipal token) throws IOException {
        requireOwn(workerId, token);
        InputStream model = replicaCoordinator.modelPackage(workerId, replicaId);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).body(new InputStreamResource(model));
    }

    @PostMapping("/workers/{workerId}/replicas/{replicaId}/report")
    ResponseEntity<Void> replicaReport(@PathVariable String workerId, @PathVariable long replicaId,
            @RequestBody ReplicaReport report, @AuthenticationPrincipal WorkerTokenPrincipal token) {
        requireOwn(workerId, token);
        if (report.state() == null) {
            throw new InvalidRequestException("state", "Send the replica's state.");
        }
        replicaCoordinator.report(workerId, replicaId, report.state(), report.message());
        return ResponseEntity.noContent().build();
    }

    /** Long-poll for a replica's new requests; also its health signal. */
    @PostMapping("/workers/{workerId}/replicas/{replicaId}/work")
    ReplicaWork replicaWork(@PathVariable String workerId, @PathVariable long replicaId,
            @RequestBody ReplicaWorkRequest request, @AuthenticationPrincipal WorkerTokenPrincipal token)
            throws InterruptedException {
        requireOwn(workerId, token);
        Duration wait = Duration.ofMillis(Math.max(0, Math.min(request.waitMs(), MAX_LEASE_WAIT.toMillis())));
        return replicaCoordinator.work(workerId, replicaId, Math.max(0, Math.min(request.capacity(), 256)), wait);
    }

    @PostMapping("/workers/{workerId}/replicas/{replicaId}/events")
    ResponseEntity<Void> replicaEvents(@PathVariable String workerId, @PathVariable long replicaId,
            @RequestBody ReplicaEvents events, @AuthenticationPrincipal WorkerTokenPrincipal token) {
        requireOwn(workerId, token);
        replicaCoordinator.events(workerId, replicaId, events.events() == null ? List.of() : events.events());
        return ResponseEntity.noContent().build();
    }

    private void requireOwn(String workerId, WorkerTokenPrincipal token) {
        if (token == null || workers.tokenOf(workerId).filter(owner -> owner == token.tokenId()).isEmpty()) {
            throw new AccessDeniedException("Worker " + workerId + " is not registered with this token.");
        }
    }

    private void requireHeld(String workerId, long taskId, WorkerTokenPrincipal token) {
        requireOwn(workerId, token);
        if (!dispatcher.holds(taskId, workerId)) {
            throw new WorkerGateway.TaskNotHeldException(taskId, workerId);
        }
    }
}
