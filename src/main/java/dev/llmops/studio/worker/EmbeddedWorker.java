package dev.llmops.studio.worker;

import dev.llmops.studio.run.MetricPoint;
import dev.llmops.studio.run.NodeExecutor;
import dev.llmops.studio.run.NodeExecutors;
import dev.llmops.studio.run.TaskContext;
import dev.llmops.studio.run.TaskDispatcher;
import dev.llmops.studio.run.TaskLease;
import dev.llmops.studio.run.WorkSignal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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

    private final TaskDispatcher dispatcher;
    private final NodeExecutors executors;
    private final WorkSignal signal;
    private final WorkerRepository registry;
    private final boolean enabled;
    private final int slots;
    private final Duration cancelGrace;
    private final Path workDir;
    private final List<Thread> threads = new ArrayList<>();
    private ScheduledExecutorService heartbeats;
    private volatile boolean running;
    private String workerId;

    EmbeddedWorker(TaskDispatcher dispatcher, NodeExecutors executors, WorkSignal signal, WorkerRepository registry,
            @Value("${studio.worker.embedded.enabled:true}") boolean enabled,
            @Value("${studio.worker.embedded.slots:2}") int slots,
            @Value("${studio.worker.cancel-grace:10s}") Duration cancelGrace,
            @Value("${studio.worker.work-dir:./data/worker}") Path workDir) {
        this.dispatcher = dispatcher;
        this.executors = executors;
        this.signal = signal;
        this.registry = registry;
        this.enabled = enabled;
        this.slots = Math.max(1, slots);
        this.cancelGrace = cancelGrace;
        this.workDir = workDir;
    }

    @Override
    public void start() {
        if (!enabled) {
            log.info("Embedded worker disabled (studio.worker.embedded.enabled=false)");
            return;
        }
        // unique per start: a restarted server is a new worker, and its predecessor's leases expire on their own
        workerId = "embedded-" + ManagementFactory.getRuntimeMXBean().getName().replace('@', '-') + "-"
                + Long.toString(System.nanoTime() % 1_000_000, 36);
        Capabilities capabilities = Capabilities.probe(workDir);
        registry.register(workerId, "Embedded worker on " + ManagementFactory.getRuntimeMXBean().getName(),
                WorkerKind.EMBEDDED, slots, capabilities);
        running = true;
        heartbeats = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "worker-heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeats.scheduleAtFixedRate(() -> registry.heartbeat(workerId), 5, 5, TimeUnit.SECONDS);
        for (int slot = 1; slot <= slots; slot++) {
            Thread thread = new Thread(() -> loop(capabilities), "worker-slot-" + slot);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        log.info("Embedded worker {} started with {} slot(s)", workerId, slots);
    }

    private void loop(Capabilities capabilities) {
        while (running) {
            try {
                if (!registry.state(workerId).map(WorkerState::takesTasks).orElse(false)) {
                    Thread.sleep(1000); // drained or disabled on the workers screen
                    continue;
                }
                Optional<TaskLease> lease = dispatcher.lease(workerId, capabilities.cpuCores(),
                        capabilities.gpus().size(), (int) Math.min(Integer.MAX_VALUE, capabilities.memoryMb()));
                if (lease.isPresent()) {
                    execute(lease.get());
                } else {
                    signal.await(Duration.ofSeconds(1));
                }
            } catch (InterruptedException e) {
                if (!running) {
                    return;
                }
                Thread.interrupted();
            } catch (RuntimeException e) {
                log.error("Embedded worker slot error; continuing", e);
                sleepQuietly(Duration.ofSeconds(1));
            }
        }
    }

    private void execute(TaskLease lease) {
        Optional<NodeExecutor> executor = executors.find(lease.nodeType());
        if (executor.isEmpty()) {
            dispatcher.failed(lease.taskId(), workerId, "no executor for step type " + lease.nodeType());
            return;
        }
        RunningTask task = new RunningTask(lease, Thread.currentThread());
        long periodMs = Math.max(200, dispatcher.leaseDuration().toMillis() / 3);
        ScheduledFuture<?> heartbeat = heartbeats.scheduleAtFixedRate(() -> task.heartbeat(), periodMs, periodMs,
                TimeUnit.MILLISECONDS);
        try {
            dispatcher.started(lease.taskId(), workerId);
            executor.get().execute(task);
            if (task.cancelRequested) {
                dispatcher.cancelled(lease.taskId(), workerId);
            } else {
                dispatcher.succeeded(lease.taskId(), workerId, task.outputs);
            }
        } catch (InterruptedException e) {
            Thread.interrupted();
            report(task, "interrupted");
        } catch (Exception | LinkageError e) {
            Thread.interrupted();
            report(task, e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            heartbeat.cancel(false);
            Thread.interrupted();
        }
    }

    private void report(RunningTask task, String error) {
        if (task.cancelRequested) {
            dispatcher.cancelled(task.lease.taskId(), workerId);
        } else if (task.timedOut) {
            dispatcher.failed(task.lease.taskId(), workerId, "timed out after " + task.lease.timeoutSeconds() + " s");
        } else {
            dispatcher.log(task.lease.taskId(), workerId, List.of("ERROR " + error));
            dispatcher.failed(task.lease.taskId(), workerId, error);
        }
    }

    /** One task in progress on a slot: the executor's view of it, and its heartbeat. */
    private final class RunningTask implements TaskContext {
        private final TaskLease lease;
        private final Thread thread;
        private final long startedNanos = System.nanoTime();
        private final Map<String, String> outputs = new LinkedHashMap<>();
        private volatile boolean cancelRequested;
        private volatile boolean timedOut;
        private volatile long cancelSeenNanos;

        RunningTask(TaskLease lease, Thread thread) {
            this.lease = lease;
            this.thread = thread;
        }

        void heartbeat() {
            try {
                TaskDispatcher.Heartbeat beat = dispatcher.renew(lease.taskId(), workerId);
                long elapsed = System.nanoTime() - startedNanos;
                if (!timedOut && elapsed > TimeUnit.SECONDS.toNanos(lease.timeoutSeconds())) {
                    timedOut = true;
                    thread.interrupt();
                }
                if ((beat.cancelRequested() || !beat.held()) && !cancelRequested) {
                    cancelRequested = true;
                    cancelSeenNanos = System.nanoTime();
                } else if (cancelRequested && System.nanoTime() - cancelSeenNanos > cancelGrace.toNanos()) {
                    // the executor ignored the request: stop it the hard way
                    thread.interrupt();
                }
            } catch (RuntimeException e) {
                log.warn("Heartbeat for task {} failed: {}", lease.taskId(), e.getMessage());
            }
        }

        @Override
        public long taskId() {
            return lease.taskId();
        }

        @Override
        public long runId() {
            return lease.runId();
        }

        @Override
        public String nodeId() {
            return lease.nodeId();
        }

        @Override
        public int attempt() {
            return lease.attempt();
        }

        @Override
        public Map<String, Object> params() {
            return lease.params();
        }

        @Override
        public Map<String, String> inputs() {
            return lease.inputs();
        }

        @Override
        public void output(String port, String artifact) {
            outputs.put(port, artifact);
        }

        @Override
        public void log(String line) {
            dispatcher.log(lease.taskId(), workerId, List.of(line));
        }

        @Override
        public void progress(double fraction) {
            dispatcher.progress(lease.taskId(), workerId, fraction);
        }

        @Override
        public void metric(String name, long step, double value) {
            dispatcher.metrics(lease.taskId(), workerId, List.of(new MetricPoint(name, step, value)));
        }

        @Override
        public boolean cancelRequested() {
            return cancelRequested;
        }

        @Override
        public Path checkpointDir() {
            Path dir = workDir.resolve("checkpoints").resolve("task-" + lease.taskId());
            try {
                return Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void stop() {
        running = false;
        threads.forEach(Thread::interrupt);
        for (Thread thread : threads) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        threads.clear();
        if (heartbeats != null) {
            heartbeats.shutdownNow();
        }
        if (workerId != null) {
            registry.offline(workerId);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
