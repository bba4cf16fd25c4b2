package dev.llmops.studio.evaluation;

import dev.llmops.studio.model.ChatTurn;
import java.util.List;

/** Sends chats to what a prompt test runs against (an endpoint, a model version) and collects the answers. */
interface Answerer extends AutoCloseable {

    /** One answer per chat, in order; a chat that got no answer has {@link Answer#error()}. */
    List<Answer> answer(List<List<ChatTurn>> chats, RunOptions options, TestProgress progress)
            throws InterruptedException;

    @Override
    default void close() {
    }

    /**
     * An answer and what it cost: latency from sending to the last token as a client sees it, tokens as the
     * model counted them. {@code text} is null and {@code error} says why when no answer came.
     */
    record Answer(String text, double latencyMs, int promptTokens, int completionTokens, String error) {

        static Answer failed(String error, double latencyMs) {
            return new Answer(null, latencyMs, 0, 0, error);
        }
    }

    /** One answer as it comes in: the text so far, and the time since the request was sent. */
    final class Arriving {
        private final StringBuilder text = new StringBuilder();
        private final long sentNanos = System.nanoTime();

        synchronized void add(String delta) {
            text.append(delta);
        }

        synchronized Answer finished(int promptTokens, int completionTokens) {
            return new Answer(text.toString(), elapsedMs(), promptTokens, completionTokens, null);
        }

        Answer failed(String error) {
            return Answer.failed(error, elapsedMs());
        }

        private double elapsedMs() {
            return (System.nanoTime() - sentNanos) / 1e6;
        }
    }
}
