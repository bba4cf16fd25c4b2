package dev.llmops.studio.pipeline;

import java.time.OffsetDateTime;

/** A pipeline as lists show it: its newest version and how many validation issues that version has. */
public record PipelineSummary(long id, String name, String description, String owner, OffsetDateTime updatedAt,
        int version, int issueCount) {

    /** A pipeline with issues is a draft: it can be saved but not run. */
    public boolean runnable() {
        return issueCount == 0;
    }
}
