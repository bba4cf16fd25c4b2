package dev.llmops.studio.pipeline;

/**
 * Published by {@link PipelineService} whenever a pipeline gets a new newest version (create, save, restore, copy,
 * duplicate, import) or is deleted: {@code schedule} is the Quartz cron expression of that version, or
 * {@code null} for none (and always after a delete). It is published on every save, so the schedule may be the
 * same as before; it is not validated (a draft may carry an invalid one). Listeners that act on it should do so
 * after the transaction commits.
 */
public record PipelineScheduleChanged(long pipelineId, String pipelineName, String schedule) {
}
