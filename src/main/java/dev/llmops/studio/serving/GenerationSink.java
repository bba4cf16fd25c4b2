package dev.llmops.studio.serving;

/** Where the answer to one request goes (an HTTP response, a stream, the playground). Called from any thread. */
public interface GenerationSink {

    void text(String delta);

    void finished(String finishReason, int promptTokens, int completionTokens);

    /** {@code status} as HTTP; {@code type} as OpenAI's error types (invalid_request_error, server_error, …). */
    void failed(int status, String type, String message);
}
