package dev.llmops.studio.serving;

import dev.llmops.studio.model.ChatTurn;
import java.util.List;

/**
 * One generation as a replica receives it: a completion {@code prompt} or chat {@code messages} (exactly one of
 * them), with the sampling settings already checked and defaulted by the gateway.
 */
public record ReplicaRequest(String id, String prompt, List<ChatTurn> messages, double temperature, double topP,
                             int maxTokens, List<String> stop, long seed) {

    public boolean chat() {
        return messages != null;
    }
}
