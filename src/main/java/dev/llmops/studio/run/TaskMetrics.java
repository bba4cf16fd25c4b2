package dev.llmops.studio.run;

import java.util.List;

/** The metric series one step of a run reported, by name. */
public record TaskMetrics(long taskId, String nodeId, String nodeLabel, List<MetricSeries> series) {
}
