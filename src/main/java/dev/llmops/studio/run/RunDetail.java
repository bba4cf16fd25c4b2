package dev.llmops.studio.run;

import dev.llmops.studio.pipeline.PipelineGraph;
import java.util.List;

/** A run with the exact graph it runs and every task, in graph order. */
public record RunDetail(RunSummary summary, PipelineGraph graph, List<TaskInfo> tasks) {
}
