package dev.llmops.studio.pipeline;

/** A pipeline whose newest version has a cron {@code schedule} (not necessarily a valid one). */
public record ScheduledPipeline(long id, String name, String schedule) {
}
