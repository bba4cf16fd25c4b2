package dev.llmops.studio.evaluation;

import java.time.OffsetDateTime;

/** A suite in the list of suites, with its latest test run ({@code null} before the first). */
public record PromptSuiteSummary(String name, String description, int cases, String updatedBy,
                                 OffsetDateTime updatedAt, TestRunInfo latestRun) {

    PromptSuiteSummary withLatestRun(TestRunInfo run) {
        return new PromptSuiteSummary(name, description, cases, updatedBy, updatedAt, run);
    }
}
