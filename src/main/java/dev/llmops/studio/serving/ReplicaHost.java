package dev.llmops.studio.serving;

import dev.llmops.studio.model.ContinuousBatcher;
import dev.llmops.studio.model.FinishReason;
import dev.llmops.studio.model.GenerationListener;
import dev.llmops.studio.model.GenerationParams;
import dev.llmops.studio.model.ServingModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.FileSystemUtils;

/**
 * Runs one replica on a worker: loads the model once, then loops: take new requests from the link, let them join
 * the running batch, advance every sequence by one token, send what came out. Between two decode steps new
 * requests join (continuous batching); when the replica was idle it waits up to the endpoint's batch delay for
 * company, so a burst starts as one batch.
 */
public final class ReplicaHost implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(ReplicaHost.class);
    private static final Duration IDLE_WAIT = Duration.ofSeconds(1);

    private final ReplicaAssignment assignment;
    private final ReplicaLink link;
    private final Path workDir;
    private final Map<String, ContinuousBatcher.Submitted> running = new ConcurrentHashMap<>();
    private final List<ReplicaEvent> outgoing = new ArrayList<>();
    private volatile boolean stopRequested;
    private volatile boolean finished;

    public ReplicaHost(ReplicaAssignment assignment, ReplicaLink link, Path workDir) {
        this.assignment = assignment;
        this.link = link;
        this.workDir = workDir;
    }

    public long replicaId() {
        return assignment.replicaId();
    }

    /** Stops after the requests it holds are answered. */
    public void stop() {
        stopRequested = true;
    }

    public boolean finished() {
        return finished;
    }

    @Override
    public void run() {
        try {
            serve();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | OutOfMemoryError e) {
            log.error("Replica {} of {} failed", assignment.replicaId(), assignment.endpoint(), e);
            link.report(ReplicaState.FAILED, String.valueOf(e.getMessage()));
        } finally {
            finished = true;
            link.close();
        }
    }

    private void serve() throws Exception {
        link.report(ReplicaState.LOADING, "loading " + assignment.modelLabel());
        long started = System.nanoTime();
        Path modelPackage = link.modelPackage(assignment);
        Path unpacked = workDir.resolve("replica-" + assignment.replicaId());
        ServingModel model;
        try {
            model = ServingModel.load(modelPackage, unpacked);
        } finally {
            // the weights live in memory from here; decrypted copies on disk would undo encryption at rest
            Files.deleteIfExists(modelPackage);
            FileSystemUtils.deleteRecursively(unpacked);
        }
        ContinuousBatcher batcher = new ContinuousBatcher(model, assignment.maxBatchSize());
        log.info("Replica {} of {} ready: {} loaded in {} ms", assignment.replicaId(), assignment.endpoint(),
                model.description(), (System.nanoTime() - started) / 1_000_000);
        link.report(ReplicaState.READY, model.description());
        boolean draining = false;
        while (true) {
            boolean idle = batcher.active() + batcher.waiting() == 0;
            if (idle && (draining || stopRequested)) {
                break;
            }
            ReplicaWork work = link.work(room(batcher, draining), idle ? IDLE_WAIT : Duration.ZERO);
            if (idle && !work.requests().isEmpty() && assignment.maxBatchDelayMs() > 0
                    && work.requests().size() < assignment.maxBatchSize()) {
                accept(model, batcher, work);
                Thread.sleep(assignment.maxBatchDelayMs());
                work = link.work(room(batcher, draining), Duration.ZERO);
            }
            accept(model, batcher, work);
            draining |= work.stop();
            if (batcher.active() + batcher.waiting() > 0) {
                try {
                    batcher.step();
                } catch (RuntimeException e) {
                    // the batch's state is unknown now: fail what it held, start afresh, keep serving
                    log.error("Replica {} of {}: a decode step failed", assignment.replicaId(),
                            assignment.endpoint(), e);
                    running.keySet().forEach(id -> emit(ReplicaEvent.failed(id, 500,
                            "the model failed: " + e.getMessage())));
                    running.clear();
                    batcher = new ContinuousBatcher(model, assignment.maxBatchSize());
                }
            }
            flush();
        }
        link.report(ReplicaState.STOPPED, "stopped");
    }

    /** Free batch slots: what the replica asks the server for, so that requests wait where any replica can take them. */
    private int room(ContinuousBatcher batcher, boolean draining) {
        return draining || stopRequested ? 0
                : Math.max(0, assignment.maxBatchSize() - batcher.active() - batcher.waiting());
    }

    private void accept(ServingModel model, ContinuousBatcher batcher, ReplicaWork work) {
        for (String id : work.cancelled()) {
            ContinuousBatcher.Submitted submitted = running.get(id);
            if (submitted != null) {
                submitted.cancel();
            }
        }
        for (ReplicaRequest request : work.requests()) {
            Listener listener = new Listener(request.id());
            try {
                int[] prompt = request.chat() ? model.encodeChat(request.messages())
                        : model.encodeCompletion(request.prompt());
                GenerationParams params = new GenerationParams(request.temperature(), request.topP(),
                        request.maxTokens(), request.stop(), request.seed());
                running.put(request.id(), batcher.submit(prompt, params, listener));
            } catch (IllegalArgumentException e) {
                emit(ReplicaEvent.failed(request.id(), 400, e.getMessage()));
            }
        }
    }

    private void flush() {
        List<ReplicaEvent> events;
        synchronized (outgoing) {
            if (outgoing.isEmpty()) {
                return;
            }
            events = List.copyOf(outgoing);
            outgoing.clear();
        }
        link.send(events);
    }

    private void emit(ReplicaEvent event) {
        synchronized (outgoing) {
            outgoing.add(event);
        }
    }

    private final class Listener implements GenerationListener {
        private final String requestId;

        Listener(String requestId) {
            this.requestId = requestId;
        }

        @Override
        public void onText(String delta, int completionTokens) {
            emit(ReplicaEvent.text(requestId, delta, completionTokens));
        }

        @Override
        public void onFinish(FinishReason reason, int promptTokens, int completionTokens) {
            running.remove(requestId);
            emit(ReplicaEvent.finished(requestId, reason.openAiName(), promptTokens, completionTokens));
        }

        @Override
        public void onError(String message) {
            running.remove(requestId);
            emit(ReplicaEvent.failed(requestId, 400, message));
        }
    }
}
