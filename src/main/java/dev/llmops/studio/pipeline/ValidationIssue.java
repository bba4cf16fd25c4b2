package dev.llmops.studio.pipeline;

/**
 * One problem {@link GraphValidator} found. {@code nodeId} is {@code null} for problems of the pipeline as a
 * whole; {@code field} is the parameter name or port id concerned, or {@code null}. The message is shown to
 * end users as is: it names the node by its label and says what to do.
 */
public record ValidationIssue(String nodeId, String field, String message) {
}
