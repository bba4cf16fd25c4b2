package dev.llmops.studio.serving;

import java.time.OffsetDateTime;

/**
 * One answered request from an endpoint's request log: the prompt (a completion prompt, or the chat as
 * {@code role: content} lines), the answer and the model version that gave it; personal data redacted when the
 * endpoint's settings say so.
 */
public record ServedExchange(OffsetDateTime at, String prompt, String response, String model) {
}
