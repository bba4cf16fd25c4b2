package dev.llmops.studio.model;

import java.util.Locale;

/**
 * One message of a chat to answer. Only the roles the chat template has markers for are accepted: a model trained
 * here has never seen any other, and an OpenAI client sending "tool" or "developer" should hear so rather than
 * get its message silently recast. A missing content is empty, as in training.
 */
public record ChatTurn(String role, String content) {

    public ChatTurn {
        if (role == null || !(role.equals("system") || role.equals("user") || role.equals("assistant"))) {
            throw new IllegalArgumentException("role must be system, user or assistant, not " + role);
        }
        content = content == null ? "" : content;
    }

    ByteTokenizer.Role tokenizerRole() {
        return ByteTokenizer.Role.valueOf(role.toUpperCase(Locale.ROOT));
    }
}
