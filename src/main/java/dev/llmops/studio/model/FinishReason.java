package dev.llmops.studio.model;

/** Why a generation ended. */
public enum FinishReason {
    /** The model ended its answer (EOS) or produced a stop string. */
    STOP("stop"),
    /** max_tokens reached, or the model's position limit. */
    LENGTH("length"),
    /**
     * The caller cancelled the request. OpenAI has no such finish reason (its client has gone away by then), so
     * the name is ours.
     */
    CANCELLED("cancelled");

    private final String openAiName;

    FinishReason(String openAiName) {
        this.openAiName = openAiName;
    }

    /** The {@code finish_reason} value of OpenAI's completion and chat responses. */
    public String openAiName() {
        return openAiName;
    }
}
