package dev.llmops.studio.pipeline;

import java.util.List;
import java.util.Optional;

/**
 * A pipeline as designed: its nodes, the edges between their ports and an optional Quartz cron
 * {@code schedule} for the whole pipeline. A blank schedule is stored as {@code null} (no schedule), so the
 * two never compare unequal after a JSON round trip.
 */
public record PipelineGraph(String schedule, List<GraphNode> nodes, List<GraphEdge> edges) {

    public PipelineGraph {
        schedule = schedule == null || schedule.isBlank() ? null : schedule;
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        edges = edges == null ? List.of() : List.copyOf(edges);
    }

    public static PipelineGraph empty() {
        return new PipelineGraph(null, List.of(), List.of());
    }

    /** The first node with this id (a graph built in code may repeat ids; the validator reports that). */
    public Optional<GraphNode> node(String id) {
        return nodes.stream().filter(node -> node.id().equals(id)).findFirst();
    }
}
