package dev.llmops.studio.pipeline;

/**
 * An input or output of a node type. {@code required} and {@code multiple} only mean something for inputs:
 * a required input must be connected, and {@code multiple = false} allows at most one incoming edge.
 */
public record Port(String id, String label, PortType type, boolean required, boolean multiple) {
}
