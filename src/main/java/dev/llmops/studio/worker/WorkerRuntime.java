package dev.llmops.studio.worker;

import dev.llmops.studio.artifact.ArtifactRef;
import dev.llmops.studio.run.MetricPoint;
import dev.llmops.studio.run.NodeExecutor;
import dev.llmops.studio.run.NodeExecutors;
import dev.llmops.studio.run.StepSettingsException;
import dev.llmops.studio.run.StepWaitsException;
import dev.llmops.studio.run.TaskContext;
import dev.llmops.studio.run.TaskDispatcher.Heartbeat;
import dev.llmops.studio.run.TaskLease;
import dev.llmops.studio.run.WorkerLabels;
import dev.llmops.studio.run.WorkerOffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's slots: each takes a task, runs its executor and reports the outcome, while a heartbeat renews the
 * lease and watches for cancellation and the timeout. Transport-free: the embedded worker and remote workers
 * differ only in the {@link LeaseProtocol} they give it.
 */
final class WorkerRuntime {

    private static final Logger log = LoggerFactory.getLogger(WorkerRuntime.class);
    static final Duration WORKER_HEARTBEAT = Duration.ofSeconds(5);
    private static final Duration METRIC_INTERVAL = Duration.ofSeconds(1);
    private static final int METRIC_BATCH = 500;

    private final String workerId;
    private final LeaseProtocol protocol;
    private final NodeExecutors executors;
    private final int slots;
    private final Capabilities capabilities;
    private final Duration leaseWait;
    private final Duration cancelGrace;
    private final Path workDir;
    private final Runnable onRejected;
    private final List<Thread> threads = new ArrayList<>();
    /** One slot asks for work at a time, so GPUs and memory are never promised twice and one long-poll is open. */
    private final ReentrantLock leasing = new ReentrantLock();
    private int reservedGpus;
    private long reservedMemoryMb;
    private ScheduledExecutorService heartbeats;
    private volatile boolean running;

    WorkerRuntime(String workerId, LeaseProtocol protocol, NodeExecutors executors, int slots,
            Capabilities capabilities, Duration leaseWait, Duration cancelGrace, Path workDir, Runnable onRejected) {
        this.workerId = workerId;
        this.protocol = protocol;
        this.executors = executors;
        this.slots = Math.max(1, slots);
        this.capabilities = capabilities;
        this.leaseWait = leaseWait;
        this.cancelGrace = cancelGrace;
        this.workDir = workDir;
        this.onRejected = onRejected;
    }

    void start() {
        running = true;
        heartbeats = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "worker-heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeats.scheduleAtFixedRate(this::workerHeartbeat, WORKER_HEARTBEAT.toMillis(),
                WORKER_HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        for (int slot = 1; slot <= slots; slot++) {
            Thread thread = new Thread(this::loop, "worker-slot-" + slot);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        log.info("Worker {} started with {} slot(s), labels {}", workerId, slots, capabilities.labels());
    }

    void stop() {
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
    }

    boolean running() {
        return running;
    }

    private void workerHeartbeat() {
        try {
            protocol.heartbeat();
        } catch (LeaseProtocol.WorkerRejectedException e) {
            rejected(e);
        } catch (RuntimeException e) {
            log.warn("Worker heartbeat failed: {}", e.getMessage());
        }
    }

    private void loop() {
        while (running) {
            try {
                Optional<TaskLease> lease = leaseOne();
                if (lease.isPresent()) {
                    try {
                        execute(lease.get());
                    } finally {
                        release(lease.get());
                    }
                }
            } catch (InterruptedException e) {
                if (!running) {
                    return;
                }
                Thread.interrupted();
            } catch (LeaseProtocol.WorkerRejectedException e) {
                rejected(e);
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                log.error("Worker slot error; retrying in a second: {}", e.getMessage(), e);
                sleepQuietly(Duration.ofSeconds(1));
            }
        }
    }

    private synchronized void rejected(LeaseProtocol.WorkerRejectedException e) {
        if (running) {
            running = false;
            log.error("Worker {} stops: {}", workerId, e.getMessage());
            onRejected.run();
        }
    }

    private Optional<TaskLease> leaseOne() throws InterruptedException {
        leasing.lockInterruptibly();
        try {
            WorkerOffer offer;
            synchronized (this) {
                offer = new WorkerOffer(capabilities.cpuCores(), capabilities.gpus().size() - reservedGpus,
                        capabilities.memoryMb() - reservedMemoryMb,
                        WorkerLabels.parse(String.join(",", capabilities.labels())), executors.types());
            }
            Optional<TaskLease> lease = protocol.lease(offer, leaseWait);
            lease.ifPresent(this::reserve);
            return lease;
        } finally {
            leasing.unlock();
        }
    }

    private synchronized void reserve(TaskLease lease) {
        reservedGpus += lease.gpus();
        reservedMemoryMb += lease.memoryMb();
    }

    private synchronized void release(TaskLease lease) {
        reservedGpus -= lease.gpus();
        reservedMemoryMb -= lease.memoryMb();
    }

    private void execute(TaskLease lease) {
        Optional<NodeExecutor> executor = executors.find(lease.nodeType());
        if (executor.isEmpty()) {
            protocol.failed(lease.taskId(), "no executor for step type " + lease.nodeType() + " on worker "
                    + workerId, true);
            return;
        }
        RunningTask task = new RunningTask(lease, Thread.currentThread());
        long periodMs = Math.max(200, protocol.leaseDuration().toMillis() / 3);
        ScheduledFuture<?> heartbeat = heartbeats.scheduleAtFixedRate(task::heartbeat, periodMs, periodMs,
                TimeUnit.MILLISECONDS);
        try {
            log.info("Running step {} ({}) of run {}, attempt {}", lease.nodeId(), lease.nodeType(), lease.runId(),
                    lease.attempt());
            protocol.started(lease.taskId());
            executor.get().execute(task);
            task.flushMetrics();
            if (task.cancelRequested) {
                protocol.cancelled(lease.taskId());
                log.info("Step {} of run {} stopped: cancelled", lease.nodeId(), lease.runId());
            } else {
                protocol.succeeded(lease.taskId());
                log.info("Step {} of run {} succeeded in {} ms", lease.nodeId(), lease.runId(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - task.startedNanos));
            }
        } catch (InterruptedException e) {
            Thread.interrupted();
            report(task, running ? "interrupted" : "worker " + workerId + " is stopping");
        } catch (StepWaitsException e) {
            Thread.interrupted();
            task.flushMetrics();
            if (task.cancelRequested) {
                protocol.cancelled(lease.taskId());
            } else {
                log.info("Step {} of run {} waits: {}", lease.nodeId(), lease.runId(), e.getMessage());
                protocol.waiting(lease.taskId(), e.getMessage(), e.wakeAt().orElse(null));
            }
        } catch (StepSettingsException e) {
            Thread.interrupted();
            report(task, e.getMessage(), false);
        } catch (Exception | LinkageError e) {
            Thread.interrupted();
            report(task, e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            heartbeat.cancel(false);
            Thread.interrupted();
        }
    }

    private void report(RunningTask task, String error) {
        report(task, error, true);
    }

    private void report(RunningTask task, String error, boolean retryable) {
        long taskId = task.lease.taskId();
        log.info("Step {} of run {} failed: {}", task.lease.nodeId(), task.lease.runId(), error);
        if (task.cancelRequested) {
            protocol.cancelled(taskId);
        } else if (task.timedOut) {
            protocol.failed(taskId, "timed out after " + task.lease.timeoutSeconds() + " s", true);
        } else {
            protocol.log(taskId, List.of("ERROR " + error));
            protocol.failed(taskId, error, retryable);
        }
    }

    /** One task in progress on a slot: the executor's view of it, and its heartbeat. */
    private final class RunningTask implements TaskContext {
        private final TaskLease lease;
        private final Thread thread;
        private final long startedNanos = System.nanoTime();
        private volatile boolean cancelRequested;
        private volatile boolean timedOut;
        private volatile long cancelSeenNanos;
        /** Points wait here so a training loop reporting every step costs one call a second, not one per point. */
        private final List<MetricPoint> metrics = new ArrayList<>();
        private long metricsSentNanos = System.nanoTime();

        RunningTask(TaskLease lease, Thread thread) {
            this.lease = lease;
            this.thread = thread;
        }

        void heartbeat() {
            try {
                long elapsed = System.nanoTime() - startedNanos;
                if (!timedOut && elapsed > TimeUnit.SECONDS.toNanos(lease.timeoutSeconds())) {
                    timedOut = true;
                    thread.interrupt();
                }
                flushMetrics();
                Heartbeat beat = protocol.renew(lease.taskId());
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
        public Path input(String port) throws IOException {
            String ref = lease.inputs().get(port);
            if (ref == null) {
                throw new IllegalArgumentException("Step " + lease.nodeId() + " has no input on port “" + port
                        + "”; connected ports: " + lease.inputs().keySet());
            }
            return protocol.input(lease.taskId(), port, ArtifactRef.parse(ref));
        }

        @Override
        public ArtifactRef output(String port, InputStream content) throws IOException {
            return protocol.output(lease.taskId(), port, content);
        }

        @Override
        public ArtifactRef output(String port, Path file) throws IOException {
            try (InputStream in = Files.newInputStream(file)) {
                return output(port, in);
            }
        }

        @Override
        public void output(String port, ArtifactRef stored) {
            protocol.output(lease.taskId(), port, stored);
        }

        @Override
        public void log(String line) {
            protocol.log(lease.taskId(), List.of(line));
        }

        @Override
        public void progress(double fraction) {
            protocol.progress(lease.taskId(), fraction);
        }

        @Override
        public void metric(String name, long step, double value) {
            boolean due;
            synchronized (metrics) {
                metrics.add(new MetricPoint(name, step, value));
                due = metrics.size() >= METRIC_BATCH || System.nanoTime() - metricsSentNanos > METRIC_INTERVAL.toNanos();
            }
            if (due) {
                flushMetrics();
            }
        }

        void flushMetrics() {
            List<MetricPoint> batch;
            synchronized (metrics) {
                if (metrics.isEmpty()) {
                    return;
                }
                batch = List.copyOf(metrics);
                metrics.clear();
                metricsSentNanos = System.nanoTime();
            }
            try {
                protocol.metrics(lease.taskId(), batch);
            } catch (LeaseProtocol.WorkerRejectedException e) {
                throw e;
            } catch (RuntimeException e) {
                // charts are not worth failing a training run for
                log.warn("Could not send {} metric point(s) of task {}: {}", batch.size(), lease.taskId(),
                        e.getMessage());
            }
        }

        @Override
        public boolean cancelRequested() {
            return cancelRequested;
        }

        @Override
        public void saveCheckpoint(Path file) throws IOException {
            // a resumed attempt continues after the checkpoint: the points before it must be on the server already
            flushMetrics();
            try (InputStream in = Files.newInputStream(file)) {
                protocol.saveCheckpoint(lease.taskId(), in);
            }
        }

        @Override
        public Optional<Path> resumeFrom() throws IOException {
            return lease.checkpoint() == null ? Optional.empty()
                    : Optional.of(protocol.checkpoint(lease.taskId(), ArtifactRef.parse(lease.checkpoint())));
        }

        @Override
        public int cpuThreads() {
            return Math.max(1, capabilities.cpuCores() / slots);
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

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
