package dev.llmops.studio.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.studio.model.ServingTestModels.Exchange;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The batcher on the untrained tiny preset (its greedy choices hang on tiny logit differences, so any deviation
 * in the arithmetic would show) and on the trained fixture of {@link ServingTestModels} (known answers, for text,
 * stop strings and finish reasons).
 */
class ContinuousBatcherTest {

    private static final GenerationParams GREEDY = greedy(60);

    @TempDir
    static Path work;

    private static ServingModel trained;
    private static ServingModel untrained;

    @BeforeAll
    static void loadModels() throws IOException {
        trained = ServingModel.load(ServingTestModels.trainedTinyPackage(), work);
        untrained = ServingModel.load(ServingTestModels.randomTinyPackage(), work);
    }

    /**
     * Nine prompts of 1 to 200 tokens join a batch of at most three at five different steps, so most of them
     * wait, join a batch already under way, and run beside others that leave.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void batchedGreedyGenerationGivesExactlyTheTokensOfUnbatchedGeneration(boolean trainedModel) {
        ServingModel model = trainedModel ? trained : untrained;
        List<int[]> prompts = new ArrayList<>();
        for (Exchange exchange : ServingTestModels.CHATS) {
            prompts.add(model.encodeChat(exchange.prompt()));
        }
        prompts.add(model.encodeCompletion(""));
        prompts.add(model.encodeCompletion(ServingTestModels.STORY_START));
        prompts.add(model.encodeCompletion("Hi"));
        prompts.add(model.encodeCompletion("A longer text, so that one prompt fills many positions. ".repeat(4)));
        Map<Integer, List<Integer>> joining = Map.of(0, List.of(0, 1), 1, List.of(2), 3, List.of(3, 4, 5),
                8, List.of(6), 13, List.of(7, 8));
        ContinuousBatcher batcher = new ContinuousBatcher(model, 3);
        Recorder[] recorders = new Recorder[prompts.size()];

        for (int step = 0; step <= 13 || batcher.active() + batcher.waiting() > 0; step++) {
            for (int index : joining.getOrDefault(step, List.of())) {
                recorders[index] = new Recorder();
                batcher.submit(prompts.get(index), GREEDY, recorders[index]);
            }
            batcher.step();
            assertThat(batcher.active()).isLessThanOrEqualTo(3);
        }

        LlamaGenerator generator = new LlamaGenerator(model.decoder());
        ByteTokenizer tokenizer = new ByteTokenizer();
        for (int i = 0; i < prompts.size(); i++) {
            LlamaGenerator.Generation alone = generator.generate(prompts.get(i), SamplingOptions.greedy(
                    GREEDY.maxTokens(), List.of(new int[] {ByteTokenizer.EOS})));
            Recorder recorder = recorders[i];
            assertThat(recorder.tokens).as("prompt %d", i).containsExactlyElementsOf(withEos(alone));
            assertThat(recorder.reason.name()).isEqualTo(alone.finishReason().name());
            assertThat(recorder.text()).isEqualTo(tokenizer.decode(alone.tokens()));
            assertThat(recorder.promptTokens).isEqualTo(prompts.get(i).length);
            assertThat(recorder.completionTokens).isEqualTo(recorder.tokens.size());
        }
        if (trainedModel) {
            for (int i = 0; i < ServingTestModels.CHATS.size(); i++) {
                assertThat(recorders[i].text()).isEqualTo(ServingTestModels.CHATS.get(i).assistant());
            }
        }
    }

    @Test
    void aSeededRequestSamplesTheSameWhateverShareTheBatch() {
        int[] prompt = untrained.encodeCompletion("The same prompt");
        GenerationParams seeded = new GenerationParams(1.0, 0.9, 25, List.of(), 42);
        Recorder alone = runAlone(untrained, prompt, seeded);

        ContinuousBatcher batcher = new ContinuousBatcher(untrained, 4);
        List<Recorder> others = new ArrayList<>();
        for (int seed = 1; seed <= 3; seed++) {
            Recorder other = new Recorder();
            others.add(other);
            batcher.submit(untrained.encodeCompletion("Other company " + seed), new GenerationParams(1.0, 0.9, 40,
                    List.of(), seed), other);
            batcher.step();
        }
        Recorder inCompany = new Recorder();
        batcher.submit(prompt, seeded, inCompany);
        drain(batcher);

        assertThat(inCompany.tokens).containsExactlyElementsOf(alone.tokens);
        assertThat(inCompany.text()).isEqualTo(alone.text());
        LlamaGenerator.Generation reference = new LlamaGenerator(untrained.decoder()).generate(prompt,
                new SamplingOptions(1f, 0, 0.9f, 25, List.of(new int[] {ByteTokenizer.EOS}), 42));
        assertThat(alone.tokens).as("the same sampler as LlamaGenerator").containsExactlyElementsOf(withEos(reference));
        assertThat(runAlone(untrained, prompt, new GenerationParams(1.0, 0.9, 25, List.of(), 43)).tokens)
                .as("another seed").isNotEqualTo(alone.tokens);
        assertThat(others).allMatch(other -> other.reason != null);
    }

    @Test
    void aStopStringEndsTheAnswerAndNeverShowsInTheText() {
        Recorder recorder = runAlone(trained, trained.encodeChat(ServingTestModels.GREETING.prompt()),
                withStops("help", "never"));

        assertThat(recorder.reason).isEqualTo(FinishReason.STOP);
        assertThat(recorder.text()).isEqualTo("Hello! How can I ");
        assertThat(recorder.deltas).noneMatch(delta -> delta.contains("h"));
        assertThat(recorder.completionTokens).as("the stop string's tokens count").isEqualTo("Hello! How can I help"
                .length());
    }

    @Test
    void stopStringsWithMultiByteCharactersAndCharactersAcrossDeltasStayWhole() {
        int[] prompt = trained.encodeChat(ServingTestModels.PRICE.prompt());
        String answer = ServingTestModels.PRICE.assistant();

        Recorder free = runAlone(trained, prompt, GREEDY);
        Recorder euro = runAlone(trained, prompt, withStops("€ h"));
        Recorder emoji = runAlone(trained, prompt, withStops("😊"));

        assertThat(free.text()).isEqualTo(answer);
        assertThat(free.deltas).as("every delta is whole characters").allMatch(ContinuousBatcherTest::wellFormed)
                .contains("é", "€", "😊");
        assertThat(euro.text()).isEqualTo("A café costs 2,50 ");
        assertThat(euro.reason).isEqualTo(FinishReason.STOP);
        assertThat(emoji.text()).isEqualTo("A café costs 2,50 € here ");
        assertThat(emoji.deltas).allMatch(ContinuousBatcherTest::wellFormed);
    }

    @Test
    void textThatOnlyBeganAStopStringComesAtTheEnd() {
        String answer = ServingTestModels.GREETING.assistant();

        Recorder recorder = runAlone(trained, trained.encodeChat(ServingTestModels.GREETING.prompt()),
                withStops(answer + " More."));

        assertThat(recorder.reason).isEqualTo(FinishReason.STOP);
        assertThat(recorder.deltas).as("all of it could have become the stop string until EOS")
                .containsExactly(answer);
        assertThat(recorder.counts).containsExactly(answer.length() + 1);
    }

    @Test
    void maxTokensEndsWithLength() {
        Recorder recorder = runAlone(trained, trained.encodeChat(ServingTestModels.GREETING.prompt()), greedy(5));

        assertThat(recorder.reason).isEqualTo(FinishReason.LENGTH);
        assertThat(recorder.text()).isEqualTo("Hello");
        assertThat(recorder.completionTokens).isEqualTo(5);
        assertThat(recorder.counts).as("tokens so far with each delta").isSorted().last().isEqualTo(5);
    }

    @Test
    void thePositionLimitEndsWithLengthAndTheLongestPromptIsTaken() {
        int limit = untrained.maxPositions();
        int[] nearlyFull = untrained.encodeCompletion("x".repeat(limit - 4));

        Recorder threeLeft = runAlone(untrained, nearlyFull, greedy(100));
        Recorder oneLeft = runAlone(untrained, Arrays.copyOf(untrained.encodeCompletion("y".repeat(limit)),
                limit - 1), greedy(100));

        assertThat(threeLeft.reason).isEqualTo(FinishReason.LENGTH);
        assertThat(threeLeft.completionTokens).isEqualTo(3);
        assertThat(oneLeft.reason).isEqualTo(FinishReason.LENGTH);
        assertThat(oneLeft.completionTokens).isEqualTo(1);
    }

    @Test
    void aPromptTooLongIsRefusedWithTheLimitAndNeverEntersTheBatch() {
        ContinuousBatcher batcher = new ContinuousBatcher(untrained, 2);
        Recorder tooLong = new Recorder();
        Recorder empty = new Recorder();
        Recorder fine = new Recorder();

        batcher.submit(untrained.encodeCompletion("z".repeat(untrained.maxPositions())), GREEDY, tooLong);
        batcher.submit(new int[0], GREEDY, empty);
        batcher.submit(untrained.encodeCompletion("fine"), greedy(3), fine);
        assertThat(batcher.waiting()).isEqualTo(3);
        batcher.step();

        assertThat(tooLong.error).isEqualTo("the prompt has 513 tokens, but this model reads at most 512 positions,"
                + " prompt and answer together: shorten it to at most 511 tokens");
        assertThat(tooLong.deltas).isEmpty();
        assertThat(tooLong.reason).isNull();
        assertThat(empty.error).isEqualTo("the prompt is empty");
        assertThat(batcher.active()).as("only the fine one").isEqualTo(1);
        assertThat(batcher.waiting()).isZero();
        drain(batcher);
        assertThat(fine.completionTokens).isEqualTo(3);
    }

    @Test
    void aCancelledRequestLeavesAtTheNextStepAndTheOthersGoOnUnchanged() {
        ContinuousBatcher batcher = new ContinuousBatcher(trained, 4);
        Recorder cancelled = new Recorder();
        Recorder other = new Recorder();
        Recorder neverStarted = new Recorder();
        ContinuousBatcher.Submitted handle = batcher.submit(trained.encodeChat(ServingTestModels.IDENTITY.prompt()),
                GREEDY, cancelled);
        batcher.submit(trained.encodeChat(ServingTestModels.CAPITAL.prompt()), GREEDY, other);
        batcher.step();
        batcher.step();
        batcher.step();
        batcher.submit(trained.encodeChat(ServingTestModels.THANKS.prompt()), GREEDY, neverStarted).cancel();

        handle.cancel();
        String before = cancelled.text();
        batcher.step();

        assertThat(cancelled.reason).isEqualTo(FinishReason.CANCELLED);
        assertThat(cancelled.completionTokens).as("two tokens in the first step, one in each other").isEqualTo(4);
        assertThat(cancelled.text()).as("nothing more after the cancel").isEqualTo(before);
        assertThat(neverStarted.reason).isEqualTo(FinishReason.CANCELLED);
        assertThat(neverStarted.completionTokens).isZero();
        assertThat(neverStarted.deltas).isEmpty();
        assertThat(batcher.active()).isEqualTo(1);
        drain(batcher);
        handle.cancel();
        assertThat(batcher.step()).isZero();
        assertThat(other.text()).isEqualTo(ServingTestModels.CAPITAL.assistant());
        assertThat(other.reason).isEqualTo(FinishReason.STOP);
        assertThat(cancelled.callsAfterTheEnd).isZero();
    }

    @Test
    void aListenerThatThrowsLosesItsRequestAndNobodyElseNotices() {
        ContinuousBatcher batcher = new ContinuousBatcher(trained, 3);
        Recorder before = new Recorder();
        Recorder after = new Recorder();
        Recorder thrower = new Recorder() {
            @Override
            public void onText(String delta, int completionTokens) {
                super.onText(delta, completionTokens);
                throw new IllegalStateException("client gone");
            }
        };
        batcher.submit(trained.encodeChat(ServingTestModels.GREETING.prompt()), GREEDY, before);
        batcher.submit(trained.encodeChat(ServingTestModels.IDENTITY.prompt()), GREEDY, thrower);
        batcher.submit(trained.encodeChat(ServingTestModels.THANKS.prompt()), GREEDY, after);

        drain(batcher);

        assertThat(before.text()).isEqualTo(ServingTestModels.GREETING.assistant());
        assertThat(after.text()).isEqualTo(ServingTestModels.THANKS.assistant());
        assertThat(thrower.deltas).hasSize(1);
        assertThat(thrower.reason).isNull();
        assertThat(batcher.active()).isZero();
    }

    /** A replica's loop on one thread, requests from four others, as a server would run it. */
    @Test
    void requestsFromManyThreadsAreAllAnswered() throws Exception {
        ContinuousBatcher batcher = new ContinuousBatcher(trained, 4);
        AtomicBoolean running = new AtomicBoolean(true);
        Thread loop = new Thread(() -> {
            while (running.get()) {
                if (batcher.step() == 0) {
                    LockSupport.parkNanos(1_000_000);
                }
            }
        });
        loop.start();
        Map<Recorder, Exchange> asked = Collections.synchronizedMap(new LinkedHashMap<>());
        List<Thread> clients = new ArrayList<>();
        for (int client = 0; client < 4; client++) {
            int offset = client;
            Thread thread = new Thread(() -> {
                for (int i = 0; i < ServingTestModels.CHATS.size(); i++) {
                    Exchange exchange = ServingTestModels.CHATS.get((i + offset) % ServingTestModels.CHATS.size());
                    Recorder recorder = new Recorder();
                    asked.put(recorder, exchange);
                    batcher.submit(trained.encodeChat(exchange.prompt()), GREEDY, recorder);
                    try {
                        Thread.sleep(3 * offset);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            thread.start();
            clients.add(thread);
        }
        for (Thread client : clients) {
            client.join();
        }
        try {
            for (Recorder recorder : asked.keySet()) {
                assertThat(recorder.done.await(60, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            running.set(false);
            loop.join();
        }

        assertThat(asked).hasSize(20);
        asked.forEach((recorder, exchange) -> assertThat(recorder.text()).isEqualTo(exchange.assistant()));
    }

    @Test
    void generationParamsAreBoundedAsOpenAiBoundsThem() {
        assertThat(new GenerationParams(0, 1, 1, null, 0).stop()).isEmpty();
        assertThat(new GenerationParams(2, 0.01, 1, List.of("a", "b", "c", "d"), 0).stop()).hasSize(4);
        assertThatThrownBy(() -> new GenerationParams(2.1, 1, 1, List.of(), 0))
                .hasMessage("temperature must be within 0..2, got 2.1");
        assertThatThrownBy(() -> new GenerationParams(Double.NaN, 1, 1, List.of(), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GenerationParams(1, 0, 1, List.of(), 0))
                .hasMessage("top_p must be greater than 0 and at most 1, got 0.0");
        assertThatThrownBy(() -> new GenerationParams(1, 1, 0, List.of(), 0))
                .hasMessage("max_tokens must be at least 1, got 0");
        assertThatThrownBy(() -> new GenerationParams(1, 1, 1, List.of("a", "b", "c", "d", "e"), 0))
                .hasMessage("at most 4 stop strings, got 5");
        assertThatThrownBy(() -> new GenerationParams(1, 1, 1, List.of(""), 0))
                .hasMessage("a stop string is empty");
        assertThatThrownBy(() -> new ContinuousBatcher(trained, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Arrays.stream(FinishReason.values()).map(FinishReason::openAiName))
                .containsExactly("stop", "length", "cancelled");
    }

    private static GenerationParams greedy(int maxTokens) {
        return new GenerationParams(0, 1, maxTokens, List.of(), 0);
    }

    private static GenerationParams withStops(String... stops) {
        return new GenerationParams(0, 1, 60, List.of(stops), 0);
    }

    private static Recorder runAlone(ServingModel model, int[] prompt, GenerationParams params) {
        ContinuousBatcher batcher = new ContinuousBatcher(model, 1);
        Recorder recorder = new Recorder();
        batcher.submit(prompt, params, recorder);
        drain(batcher);
        return recorder;
    }

    private static void drain(ContinuousBatcher batcher) {
        while (batcher.step() > 0) {
            assertThat(batcher.active()).isPositive();
        }
    }

    /** The reference's tokens as the batcher reports them: with the EOS that ended them. */
    private static List<Integer> withEos(LlamaGenerator.Generation generation) {
        List<Integer> tokens = new ArrayList<>(Arrays.stream(generation.tokens()).boxed().toList());
        if (generation.finishReason() == LlamaGenerator.FinishReason.STOP) {
            tokens.add(ByteTokenizer.EOS);
        }
        return tokens;
    }

    private static boolean wellFormed(String text) {
        return !text.isEmpty() && !text.contains("\uFFFD")
                && text.codePoints().noneMatch(c -> Character.isSurrogate((char) c) && c <= 0xFFFF);
    }

    /** Everything a listener hears, in order; counts calls that come after the end. */
    static class Recorder implements ContinuousBatcher.TokenListener {
        final List<Integer> tokens = new ArrayList<>();
        final List<String> deltas = new ArrayList<>();
        final List<Integer> counts = new ArrayList<>();
        final CountDownLatch done = new CountDownLatch(1);
        FinishReason reason;
        int promptTokens = -1;
        int completionTokens = -1;
        String error;
        int callsAfterTheEnd;

        @Override
        public void onToken(int token) {
            checkOpen();
            tokens.add(token);
        }

        @Override
        public void onText(String delta, int completionTokens) {
            checkOpen();
            deltas.add(delta);
            counts.add(completionTokens);
        }

        @Override
        public void onFinish(FinishReason reason, int promptTokens, int completionTokens) {
            checkOpen();
            this.reason = reason;
            this.promptTokens = promptTokens;
            this.completionTokens = completionTokens;
            done.countDown();
        }

        @Override
        public void onError(String message) {
            checkOpen();
            error = message;
            done.countDown();
        }

        private void checkOpen() {
            if (reason != null || error != null) {
                callsAfterTheEnd++;
            }
        }

        String text() {
            return String.join("", deltas);
        }
    }
}
