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
}
