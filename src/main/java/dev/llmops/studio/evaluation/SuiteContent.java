package dev.llmops.studio.evaluation;

import java.util.List;

/** The editable part of a prompt suite, saved as a whole. */
public record SuiteContent(String description, String judgeEndpoint, String judgeRubric, List<PromptCase> cases) {

    public SuiteContent {
        cases = cases == null ? List.of() : List.copyOf(cases);
    }

    public static SuiteContent of(List<PromptCase> cases) {
        return new SuiteContent(null, null, null, cases);
    }
}
