package dev.llmops.studio.pipeline;

import java.time.OffsetDateTime;

/** One immutable saved version, as the history shows it. */
public record PipelineVersionInfo(int version, OffsetDateTime createdAt, String author, String message,
        int issueCount, String changeSummary) {
}
