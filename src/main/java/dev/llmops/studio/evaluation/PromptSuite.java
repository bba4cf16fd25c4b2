package dev.llmops.studio.evaluation;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * A saved prompt suite with its cases in order. LLM_JUDGE cases are graded by the endpoint {@code judgeEndpoint}
 * against {@code judgeRubric} unless a case brings its own rubric as its expected value.
 */
public record PromptSuite(long id, String name, String description, String judgeEndpoint, String judgeRubric,
                          List<PromptCase> cases, String createdBy, OffsetDateTime createdAt, String updatedBy,
                          OffsetDateTime updatedAt) {

    /** The name test runs of a pipeline step's inline prompts are filed under. */
    public static final String INLINE = "inline";

    /** A suite that is not saved: a Prompt test step's prompts, one case each, only recorded. */
    static PromptSuite inline(List<PromptCase> cases) {
        return new PromptSuite(0, INLINE, null, null, null, cases, null, null, null, null);
    }

    /** What a person edits of a suite: everything but its name and history. */
    public SuiteContent content() {
        return new SuiteContent(description, judgeEndpoint, judgeRubric, cases);
    }
}
