package dev.llmops.studio.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generation for many requests at once with continuous batching: each {@link #step()} lets waiting requests
 * join the running batch (their prompt in one forward each), then advances every running sequence by one token
 * in a single {@link CpuDecoder#appendEach} forward, which reads the weights once for all of them. A finished
 * request leaves at once and its slot is free for the next step, so nobody waits for the longest answer in the
 * batch.
 *
 * <p>A sequence's numbers do not depend on its company: the decoder computes every row with the same loops in
 * the same order whatever the other rows are, and each request samples with its own {@link Sampler}. Greedy
 * output therefore equals {@link LlamaGenerator}'s token for token, and a seeded request repeats exactly.
 *
 * <p>{@link #submit} may be called from any thread; {@link #step()} runs on one thread (the replica's loop), and
 * every listener call comes from it.
 */
public final class ContinuousBatcher {

    private static final Logger log = LoggerFactory.getLogger(ContinuousBatcher.class);

    private final CpuDecoder decoder;
    private final int maxPositions;
    private final int maxBatchSize;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}. */
    private final ArrayDeque<Request> waiting = new ArrayDeque<>();
    /** Only the stepping thread touches it. */
    private List<Request> running = new ArrayList<>();
    private volatile int active;
    private final AtomicBoolean stepping = new AtomicBoolean();

    public ContinuousBatcher(ServingModel model, int maxBatchSize) {
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be at least 1, got " + maxBatchSize);
        }
        this.decoder = model.decoder();
        this.maxPositions = model.maxPositions();
        this.maxBatchSize = maxBatchSize;
    }

    /** A submitted request. */
    public interface Submitted {

        /** The request leaves at the next step, with {@link FinishReason#CANCELLED}; later calls do nothing. */
        void cancel();
    }

    /**
     * Queues a request; it joins the batch at a later {@link #step()}. A prompt the model cannot take is
     * reported to {@code listener}'s {@link GenerationListener#onError} there and never enters the batch.
     */
    public Submitted submit(int[] promptTokens, GenerationParams params, GenerationListener listener) {
        Request request = new Request(promptTokens.clone(), Objects.requireNonNull(params),
                Objects.requireNonNull(listener));
        lock.lock();
        try {
            waiting.add(request);
        } finally {
            lock.unlock();
        }
        return request;
    }

    /**
     * Admits waiting requests while the batch has room, then generates one token for every running request and
     * ends those that are done.
     *
     * @return requests running or waiting after the step; 0 when there is nothing to do
     */
    public int step() {
        if (!stepping.compareAndSet(false, true)) {
            throw new IllegalStateException("step() is already running on another thread");
        }
        try {
            List<Request> continuing = new ArrayList<>(running.size());
            for (Request request : running) {
                if (request.cancelled) {
                    request.tell(listener -> listener.onFinish(FinishReason.CANCELLED, request.prompt.length,
                            request.generated));
                } else {
                    continuing.add(request);
                }
            }
            running = continuing;
            for (Request request : admit()) {
                start(request);
            }
            decode();
            active = running.size();
            return active + waiting();
        } finally {
            stepping.set(false);
        }
    }

    /**
     * Takes the waiting requests that fit into the batch, in order of submission; cancelled ones and those with
     * an unusable prompt are answered here and take no room.
     */
    private List<Request> admit() {
        List<Request> admitted = new ArrayList<>();
        List<Request> refused = new ArrayList<>();
        lock.lock();
        try {
            for (Iterator<Request> it = waiting.iterator(); it.hasNext(); ) {
                Request request = it.next();
                if (request.cancelled || request.problem != null) {
                    it.remove();
                    refused.add(request);
                } else if (running.size() + admitted.size() < maxBatchSize) {
                    it.remove();
                    admitted.add(request);
                }
            }
        } finally {
            lock.unlock();
        }
        for (Request request : refused) {
            if (request.problem != null) {
                request.tell(listener -> listener.onError(request.problem));
            } else {
                request.tell(listener -> listener.onFinish(FinishReason.CANCELLED, request.prompt.length, 0));
            }
        }
        return admitted;
    }

    /** The prompt in one forward and the first token from its logits. */
    private void start(Request request) {
        request.sequence = decoder.newSequence(request.prompt.length + request.maxOutput);
        float[] logits = requireFinite(decoder.append(request.sequence, request.prompt));
        if (request.accept(request.sampler.next(logits))) {
            running.add(request);
        }
    }

    /** One token more for every running request, all in one forward. */
    private void decode() {
        if (running.isEmpty()) {
            return;
        }
        CpuDecoder.Sequence[] sequences = new CpuDecoder.Sequence[running.size()];
        int[] tokens = new int[running.size()];
        for (int i = 0; i < sequences.length; i++) {
            sequences[i] = running.get(i).sequence;
            tokens[i] = running.get(i).lastToken;
        }
        float[][] logits = decoder.appendEach(sequences, tokens);
        List<Request> continuing = new ArrayList<>(running.size());
        for (int i = 0; i < sequences.length; i++) {
            Request request = running.get(i);
            if (request.accept(request.sampler.next(requireFinite(logits[i])))) {
                continuing.add(request);
            }
        }
        running = continuing;
    }

    /**
     * Scores that are NaN or infinite mean broken weights (a diverged checkpoint): sampling from them would pick
     * token 0 forever and look like an answer, so the step fails instead and its caller reports a server error.
     */
    private static float[] requireFinite(float[] logits) {
        for (float logit : logits) {
            if (!Float.isFinite(logit)) {
                throw new IllegalStateException("the model produced non-finite scores (NaN or infinity); its weights"
                        + " are broken");
            }
        }
        return logits;
    }

    /** Requests in the running batch after the last step. */
    public int active() {
        return active;
    }

    /** Requests submitted and not yet admitted (nor refused). */
    public int waiting() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /** One request's state; all but {@link #cancelled} belong to the stepping thread. */
    private final class Request implements Submitted {

        private final int[] prompt;
        private final GenerationListener listener;
        private final Sampler sampler;
        private final StreamedText text;
        /** Why the prompt cannot be served, or null. */
        private final String problem;
        /** Tokens to generate at most: max_tokens, or fewer where the position limit comes first. */
        private final int maxOutput;
        private volatile boolean cancelled;
        private CpuDecoder.Sequence sequence;
        private int lastToken;
        private int generated;

        Request(int[] prompt, GenerationParams params, GenerationListener listener) {
            this.prompt = prompt;
            this.listener = listener;
            this.sampler = new Sampler(params.samplingOptions());
            this.text = new StreamedText(params.stop());
            this.problem = problem(prompt);
            this.maxOutput = Math.min(params.maxTokens(), maxPositions - prompt.length);
        }

        private String problem(int[] prompt) {
            if (prompt.length == 0) {
                return "the prompt is empty";
            }
            if (prompt.length >= maxPositions) {
                return "the prompt has " + prompt.length + " tokens, but this model reads at most " + maxPositions
                        + " positions, prompt and answer together: shorten it to at most " + (maxPositions - 1)
                        + " tokens";
            }
            for (int token : prompt) {
                if (token < 0 || token >= ByteTokenizer.VOCAB_SIZE) {
                    return "token " + token + " is outside the model's vocabulary of " + ByteTokenizer.VOCAB_SIZE;
                }
            }
            return null;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        /**
         * Takes the next sampled token: text to the listener, or the end. False when the request leaves the batch
         * (finished, or its listener failed).
         */
        boolean accept(int token) {
            generated++;
            lastToken = token;
            if (listener instanceof TokenListener tokens && !tell(l -> tokens.onToken(token))) {
                return false;
            }
            if (token == ByteTokenizer.EOS) {
                return finish(FinishReason.STOP);
            }
            // special tokens carry no text, as in ByteTokenizer.decode
            if (token < 256 && text.add((byte) token)) {
                return finish(FinishReason.STOP);
            }
            if (generated == maxOutput) {
                return finish(FinishReason.LENGTH);
            }
            String delta = text.take();
            return delta.isEmpty() || tell(l -> l.onText(delta, generated));
        }

        private boolean finish(FinishReason reason) {
            text.finish();
            String delta = text.take();
            if (delta.isEmpty() || tell(l -> l.onText(delta, generated))) {
                tell(l -> l.onFinish(reason, prompt.length, generated));
            }
            return false;
        }

        /** Calls the listener; false when it threw, after which the request is dropped without further calls. */
        boolean tell(Consumer<GenerationListener> call) {
            try {
                call.accept(listener);
                return true;
            } catch (RuntimeException e) {
                log.warn("a generation listener failed; its request is dropped", e);
                return false;
            }
        }
    }

    /** Also told every token as it is sampled: for tests that compare tokens with {@link LlamaGenerator}'s. */
    interface TokenListener extends GenerationListener {

        void onToken(int token);
    }
}
