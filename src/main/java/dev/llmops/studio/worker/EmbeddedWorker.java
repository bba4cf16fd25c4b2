package dev.llmops.studio.worker;

import dev.llmops.studio.run.NodeExecutors;
import dev.llmops.studio.run.TaskDispatcher;
import dev.llmops.studio.run.WorkerLabels;
import dev.llmops.studio.serving.ReplicaCoordinator;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The worker inside the server process, on by default. It speaks the same lease protocol as a remote worker
 * (lease, heartbeat, report), only in-process, so the one-machine setup exercises the distributed path.
 */
@Component
class EmbeddedWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedWorker.class);
    /** In-process waits are cheap; a short one keeps shutdown and drain reactions quick. */
    private static final Duration LEASE_WAIT = Duration.ofSeconds(1);
    /** How often the worker asks which model replicas to run: in-process, so often enough to deploy quickly. */
    private static final Duration REPLICA_POLL = Duration.ofMillis(500);

    private final WorkerGateway gateway;
    private final TaskDispatcher dispatcher;
    private final NodeExecutors executors;
    private final WorkerRepository registry;
    private final boolean enabled;
    private final int slots;
    private final List<String> labels;
    private final Duration cancelGrace;
    private final Path workDir;
    private final ReplicaCoordinator replicaCoordinator;
    private WorkerRuntime runtime;
    private LeaseProtocol protocol;
    private ReplicaSupervisor replicas;

    EmbeddedWorker(WorkerGateway gateway, TaskDispatcher dispatcher, NodeExecutors executors,
            WorkerRepository registry, ReplicaCoordinator replicaCoordinator,
            @Value("${studio.worker.embedded.enabled:true}") boolean enabled,
            @Value("${studio.worker.embedded.slots:2}") int slots,
            @Value("${studio.worker.embedded.labels:}") String labels,
            @Value("${studio.worker.cancel-grace:10s}") Duration cancelGrace,
            @Value("${studio.worker.work-dir:./data/worker}") Path workDir) {
        this.gateway = gateway;
        this.dispatcher = dispatcher;
        this.executors = executors;
        this.registry = registry;
        this.replicaCoordinator = replicaCoordinator;
        this.enabled = enabled;
        this.slots = Math.max(1, slots);
        this.labels = List.copyOf(WorkerLabels.parse(labels));
        this.cancelGrace = cancelGrace;
        this.workDir = workDir;
    }

    @Override
    public void start() {
        if (!enabled) {
            log.info("Embedded worker disabled (studio.worker.embedded.enabled=false)");
            return;
        }
        String process = ManagementFactory.getRuntimeMXBean().getName();
        // unique per start: a restarted server is a new worker, and its predecessor's leases expire on their own
        String workerId = "embedded-" + process.replace('@', '-') + "-"
                + Long.toString(System.nanoTime() % 1_000_000, 36);
        Capabilities capabilities = Capabilities.probe(workDir, labels);
        registry.register(workerId, "Embedded worker on " + process, WorkerKind.EMBEDDED, slots, capabilities,
                null);
        protocol = new LocalLeaseProtocol(workerId, gateway, dispatcher, registry);
        runtime = new WorkerRuntime(workerId, protocol, executors, slots, capabilities, LEASE_WAIT, cancelGrace,
                workDir, () -> log.error("The embedded worker was refused by its own server; it stopped"));
        runtime.start();
        replicas = new ReplicaSupervisor(new LocalReplicaTransport(workerId, replicaCoordinator,
                workDir.resolve("model-cache")), false, REPLICA_POLL, workDir);
        replicas.start();
    }

    @Override
    public void stop() {
        if (replicas != null) {
            replicas.stop();
            replicas = null;
        }
        if (runtime != null) {
            runtime.stop();
            protocol.offline();
            runtime = null;
        }
    }

    @Override
    public boolean isRunning() {
        return runtime != null && runtime.running();
    }
}
