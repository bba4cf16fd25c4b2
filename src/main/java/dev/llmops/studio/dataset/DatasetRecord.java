package dev.llmops.studio.dataset;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * One example in the canonical form every dataset version is stored in (one JSON object per line). Every input
 * shape maps onto it: chat messages stay messages; instruction/input/output and prompt/completion (and mapped
 * CSV prompt/response columns) become a user message and an assistant message; plain text stays {@code text}.
 * Exactly one of {@code messages} and {@code text} is set. {@code split} is train, validation or test once a
 * version is created.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record DatasetRecord(String id, List<ChatMessage> messages, String text, String label,
        Map<String, String> attributes, String split) {

    public DatasetRecord {
        messages = messages == null ? List.of() : List.copyOf(messages);
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    public boolean chat() {
        return !messages.isEmpty();
    }
}
