package dev.llmops.studio.run;

import java.time.OffsetDateTime;

/** A run as lists show it: which pipeline version, who started it, how far it got. */
public record RunSummary(long id, long pipelineId, String pipelineName, int pipelineVersion, RunStatus status,
        RunTrigger trigger, String startedBy, OffsetDateTime createdAt, OffsetDateTime finishedAt, int tasksTotal,
        int tasksSucceeded, String message) {

    public double progress() {
        return tasksTotal == 0 ? 0 : (double) tasksSucceeded / tasksTotal;
    }
}
