package dev.llmops.studio.worker;

import dev.llmops.studio.run.NodeExecutors;
import dev.llmops.studio.run.WorkerLabels;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * A worker on another machine: registers with the server using a worker token, then runs steps through the
 * HTTP worker protocol. It keeps no database and serves no UI; its only state is the input cache and checkpoints
 * in its work folder.
 */
class RemoteWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RemoteWorker.class);
    /** Below the server's cap, so the server answers "nothing yet" before the client gives up. */
    private static final Duration LEASE_WAIT = Duration.ofSeconds(20);

    private final NodeExecutors executors;
    private final URI server;
    private final String token;
    private final String name;
    private final int slots;
    private final List<String> labels;
    private final Duration cancelGrace;
    private final Path workDir;
    private RemoteLeaseProtocol protocol;
    private WorkerRuntime runtime;
    private ReplicaSupervisor replicas;

    RemoteWorker(NodeExecutors executors, URI server, String token, String name, int slots, String labels,
            Duration cancelGrace, Path workDir) {
        this.executors = executors;
        this.server = server;
        this.token = token;
        this.name = name == null || name.isBlank() ? hostName() : name.strip();
        this.slots = Math.max(1, slots);
        this.labels = List.copyOf(WorkerLabels.parse(labels));
        this.cancelGrace = cancelGrace;
        this.workDir = workDir;
    }

    @Override
    public void start() {
        // unique per start, like the embedded worker: a restarted worker is a new one, its old leases just expire
        String workerId = name.replaceAll("[^A-Za-z0-9._-]", "-") + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        protocol = new RemoteLeaseProtocol(server, token, workerId, workDir.resolve("artifact-cache"));
        Capabilities capabilities = Capabilities.probe(workDir, labels);
        try {
            registerWhenReachable(capabilities);
        } catch (LeaseProtocol.WorkerRejectedException e) {
            log.error("Cannot connect to {}: {}. Create a worker token on the server's Workers screen.", server,
                    e.getMessage());
            exitRejected();
            return;
        }
        runtime = new WorkerRuntime(workerId, protocol, executors, slots, capabilities, LEASE_WAIT, cancelGrace,
                workDir, RemoteWorker::exitRejected);
        runtime.start();
        replicas = new ReplicaSupervisor(protocol, true, REPLICA_POLL, workDir);
        replicas.start();
        log.info("Remote worker {} connected to {} ({} slot(s), {} CPU cores, {} GPU(s), executors for: {})",
                workerId, server, slots, capabilities.cpuCores(), capabilities.gpus().size(), executors.types());
        if (executors.types().isEmpty()) {
            log.warn("This build has no step executors, so this worker will take no steps");
        }
    }

    /** The server may start after its workers: wait for it rather than fail, but never retry a refused token. */
    private void registerWhenReachable(Capabilities capabilities) {
        long delayMs = 1000;
        while (true) {
            try {
                protocol.register(name, slots, capabilities);
                return;
            } catch (RemoteLeaseProtocol.RemoteCallException e) {
                if (e.status != 0 && e.status < 500) {
                    throw e;
                }
                log.warn("Waiting for the server: {}", e.getMessage());
                try {
                    Thread.sleep(delayMs);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                delayMs = Math.min(delayMs * 2, 15_000);
            }
        }
    }

    @Override
    public void stop() {
        if (replicas != null) {
            replicas.stop();
            replicas = null;
        }
        if (runtime != null) {
            runtime.stop();
            try {
                protocol.offline();
            } catch (RuntimeException e) {
                log.info("Could not tell the server this worker goes offline: {}", e.getMessage());
            }
            runtime = null;
        }
    }

    @Override
    public boolean isRunning() {
        return runtime != null && runtime.running();
    }

    /** How often the worker asks which model replicas to run. */
    private static final Duration REPLICA_POLL = Duration.ofSeconds(2);

    /** Exit code when the server refuses the worker's token, so a supervisor does not restart it in a loop. */
    static final int EXIT_REJECTED = 3;

    private static void exitRejected() {
        // from another thread: System.exit waits for shutdown hooks, which stop this worker's own threads
        new Thread(() -> System.exit(EXIT_REJECTED), "worker-exit").start();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "worker";
        }
    }
}
