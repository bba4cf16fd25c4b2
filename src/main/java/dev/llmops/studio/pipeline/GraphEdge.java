package dev.llmops.studio.pipeline;

import java.util.Objects;

/**
 * A connection from an output port of one node to an input port of another. Whether the nodes and ports exist
 * and fit together is for {@link GraphValidator}; only the references themselves are mandatory. {@code id} may
 * be {@code null}.
 */
public record GraphEdge(String id, String source, String sourcePort, String target, String targetPort) {

    public GraphEdge {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(sourcePort, "sourcePort");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(targetPort, "targetPort");
    }
}
