package dev.llmops.studio.model;

/**
 * Receives one request's output from a {@link ContinuousBatcher}. Every call comes from the thread running
 * {@link ContinuousBatcher#step()}, so an implementation must return quickly (hand the text to a queue or a
 * non-blocking stream) or it holds up every request in the batch. After {@link #onFinish} or {@link #onError}
 * nothing more is called. An exception thrown here drops this request (no further calls) and leaves the others
 * alone.
 */
public interface GenerationListener {

    /**
     * The text appended since the last call, never empty. Bytes that could still turn out to begin a stop string
     * and incomplete UTF-8 sequences are held back until they are settled, so the concatenated deltas are exactly
     * the final answer.
     *
     * @param completionTokens tokens generated so far, see {@link #onFinish}
     */
    void onText(String delta, int completionTokens);

    /**
     * The end of the answer; any text still held back came in a last {@link #onText} before, except after a
     * cancellation.
     *
     * @param completionTokens every token the model generated, including the EOS or the tokens of a stop string
     *                         that ended it (the work done, as vLLM counts it), so it can exceed the tokens of the
     *                         returned text
     */
    void onFinish(FinishReason reason, int promptTokens, int completionTokens);

    /** The request could not be served (for example a prompt longer than the model reads); no text came. */
    void onError(String message);
}
