package dev.llmops.studio.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** What changed between two versions of a graph, in words a history list can show. */
public record PipelineDiff(List<String> added, List<String> removed, List<String> changed, int moved,
        int edgesAdded, int edgesRemoved, boolean scheduleChanged) {

    public static PipelineDiff between(PipelineGraph before, PipelineGraph after) {
        Map<String, GraphNode> old = byId(before.nodes());
        Map<String, GraphNode> now = byId(after.nodes());
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        int moved = 0;
        for (GraphNode node : after.nodes()) {
            GraphNode previous = old.get(node.id());
            if (previous == null) {
                added.add(node.label());
            } else if (!previous.type().equals(node.type()) || !previous.label().equals(node.label())
                    || !Objects.equals(previous.params(), node.params())) {
                changed.add(node.label());
            } else if (previous.x() != node.x() || previous.y() != node.y()) {
                moved++;
            }
        }
        for (GraphNode node : before.nodes()) {
            if (!now.containsKey(node.id())) {
                removed.add(node.label());
            }
        }
        Set<String> oldEdges = before.edges().stream().map(PipelineDiff::key).collect(Collectors.toSet());
        Set<String> newEdges = after.edges().stream().map(PipelineDiff::key).collect(Collectors.toSet());
        int edgesAdded = (int) newEdges.stream().filter(e -> !oldEdges.contains(e)).count();
        int edgesRemoved = (int) oldEdges.stream().filter(e -> !newEdges.contains(e)).count();
        return new PipelineDiff(added, removed, changed, moved, edgesAdded, edgesRemoved,
                !Objects.equals(before.schedule(), after.schedule()));
    }


    /** For example "added Quantize; changed Fine-tune; 2 connections added". */
    public String summary() {
        List<String> parts = new ArrayList<>();
        if (!added.isEmpty()) {
            parts.add("added " + String.join(", ", added));
        }
        if (!removed.isEmpty()) {
            parts.add("removed " + String.join(", ", removed));
        }
        if (!changed.isEmpty()) {
            parts.add("changed " + String.join(", ", changed));
        }
        if (edgesAdded > 0) {
            parts.add(edgesAdded + (edgesAdded == 1 ? " connection" : " connections") + " added");
        }
        if (edgesRemoved > 0) {
            parts.add(edgesRemoved + (edgesRemoved == 1 ? " connection" : " connections") + " removed");
        }
        if (moved > 0) {
            parts.add(moved + (moved == 1 ? " step" : " steps") + " moved");
        }
        if (scheduleChanged) {
            parts.add("schedule changed");
        }
        String text = parts.isEmpty() ? "no changes" : String.join("; ", parts);
        return text.length() <= 500 ? text : text.substring(0, 497) + "…";
    }

    private static Map<String, GraphNode> byId(List<GraphNode> nodes) {
        return nodes.stream().collect(Collectors.toMap(GraphNode::id, Function.identity(), (a, b) -> a));
    }

    private static String key(GraphEdge edge) {
        return edge.source() + "." + edge.sourcePort() + "->" + edge.target() + "." + edge.targetPort();
    }
}
