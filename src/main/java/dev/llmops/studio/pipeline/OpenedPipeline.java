package dev.llmops.studio.pipeline;

import java.util.List;

/** A pipeline opened for editing: the newest version's graph, which version it is, and its issues. */
public record OpenedPipeline(PipelineSummary summary, PipelineGraph graph, List<ValidationIssue> issues) {
}
