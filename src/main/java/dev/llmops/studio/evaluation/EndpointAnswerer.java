package dev.llmops.studio.evaluation;

import dev.llmops.studio.model.ChatTurn;
import dev.llmops.studio.serving.GenerationSink;
import dev.llmops.studio.serving.ReplicaHub;
import dev.llmops.studio.serving.ReplicaRequest;
import dev.llmops.studio.serving.ServingException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Asks a deployed endpoint, in-process through the {@link ReplicaHub} (the way the playground does): the
 * requests are routed, batched and counted in the endpoint's metrics like a client's. A few are in flight at once,
 * so the endpoint batches them while the latency stays that of one request rather than of a queue.
 */
final class EndpointAnswerer implements Answerer {

    static final int IN_FLIGHT = 8;
    /** Seeded, so a test at a temperature above 0 repeats too. */
    static final long SEED = 42;
    private static final Duration ANSWER_WAIT = Duration.ofMinutes(10);

    private final ReplicaHub hub;
    private final String endpoint;

    EndpointAnswerer(ReplicaHub hub, String endpoint) {
        this.hub = hub;
        this.endpoint = endpoint;
    }

    @Override
    public List<Answer> answer(List<List<ChatTurn>> chats, RunOptions options, TestProgress progress)
            throws InterruptedException {
        Semaphore slots = new Semaphore(IN_FLIGHT);
        AtomicInteger done = new AtomicInteger();
        List<CompletableFuture<Answer>> answers = new ArrayList<>();
        List<ReplicaHub.Generation> generations = new ArrayList<>();
        try {
            for (List<ChatTurn> chat : chats) {
                while (!slots.tryAcquire(200, TimeUnit.MILLISECONDS)) {
                    stopIfCancelled(progress);
                }
                stopIfCancelled(progress);
                CompletableFuture<Answer> answer = new CompletableFuture<>();
                answer.whenComplete((a, e) -> {
                    slots.release();
                    progress.answered(done.incrementAndGet(), chats.size());
                });
                answers.add(answer);
                ReplicaRequest request = new ReplicaRequest("prompt-test-" + UUID.randomUUID(), null, chat,
                        options.temperature(), 1.0, options.maxTokens(), List.of(), SEED);
                try {
                    generations.add(hub.submit(endpoint, request, false, null, new Sink(answer)));
                } catch (ServingException e) {
                    if (e.status() == 404) {
                        throw new IllegalStateException("the endpoint " + endpoint + " is not deployed: deploy a"
                                + " model version to it, or choose another endpoint");
                    }
                    answer.complete(Answer.failed(e.getMessage(), 0));
                }
            }
            long deadline = System.nanoTime() + ANSWER_WAIT.toNanos();
            List<Answer> collected = new ArrayList<>();
            for (CompletableFuture<Answer> answer : answers) {
                while (!answer.isDone()) {
                    stopIfCancelled(progress);
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the endpoint " + endpoint + " did not answer within "
                                + ANSWER_WAIT.toMinutes() + " minutes");
                    }
                    try {
                        answer.get(200, TimeUnit.MILLISECONDS);
                    } catch (TimeoutException e) {
                        // look at the clock and the cancel flag again
                    }
                }
                collected.add(answer.get());
            }
            return collected;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (RuntimeException | InterruptedException e) {
            generations.forEach(ReplicaHub.Generation::cancel);
            throw e;
        }
    }

    private static void stopIfCancelled(TestProgress progress) {
        if (progress.cancelled()) {
            throw new CancellationException("the prompt test was cancelled");
        }
    }

    /** Collects one answer, which the hub hands over in one piece just before {@link #finished}. */
    private static final class Sink implements GenerationSink {
        private final CompletableFuture<Answer> answer;
        private final Arriving arriving = new Arriving();

        Sink(CompletableFuture<Answer> answer) {
            this.answer = answer;
        }

        @Override
        public void text(String delta) {
            arriving.add(delta);
        }

        @Override
        public void finished(String finishReason, int promptTokens, int completionTokens) {
            answer.complete(arriving.finished(promptTokens, completionTokens));
        }

        @Override
        public void failed(int status, String type, String message) {
            answer.complete(arriving.failed(message));
        }
    }
}
