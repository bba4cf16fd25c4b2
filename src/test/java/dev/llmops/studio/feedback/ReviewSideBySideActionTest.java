package dev.llmops.studio.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.studio.evaluation.AssertionType;
import dev.llmops.studio.evaluation.CaseResult;
import dev.llmops.studio.evaluation.ModelUnderTest;
import dev.llmops.studio.evaluation.RunComparison;
import dev.llmops.studio.evaluation.RunComparison.CaseComparison;
import dev.llmops.studio.evaluation.RunComparison.Outcome;
import dev.llmops.studio.evaluation.RunOptions;
import dev.llmops.studio.evaluation.TestRunInfo;
import dev.llmops.studio.evaluation.TestRunStatus;
import dev.llmops.studio.evaluation.TestTarget;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReviewSideBySideActionTest {

    @Test
    void casesWithDifferentAnswersBecomeAbPairsNamedAfterTheirRuns() {
        TestRunInfo v1 = run(1, "support-model", 1);
        TestRunInfo v2 = run(2, "support-model", 2);
        RunComparison comparison = new RunComparison(v1, v2, List.of(
                compared(1, "Say hello", "Hello!", "Hi there, how can I help?", Outcome.WIN),
                compared(2, "Say bye", "Goodbye.", " Goodbye. ", Outcome.TIE)), 1, 0, 1, 0, Map.of());

        List<NewReviewItem> pairs = ReviewSideBySideAction.pairs(comparison);

        assertThat(pairs).singleElement().satisfies(pair -> {
            assertThat(pair.pairwise()).isTrue();
            assertThat(pair.prompt()).isEqualTo("Say hello");
            assertThat(pair.response()).isEqualTo("Hello!");
            assertThat(pair.responseModel()).isEqualTo("run 1 (support-model v1)");
            assertThat(pair.responseB()).isEqualTo("Hi there, how can I help?");
            assertThat(pair.responseBModel()).isEqualTo("run 2 (support-model v2)");
        });
    }

    private static TestRunInfo run(long id, String model, int version) {
        return new TestRunInfo(id, "greetings", TestTarget.model(model, version),
                new ModelUnderTest(model, version, null), TestRunStatus.SUCCEEDED, 2, 2, Map.of("pass_rate", 1.0),
                null, RunOptions.DEFAULT, null, null, "tester", null, null);
    }

    private static CaseComparison compared(int position, String prompt, String before, String after,
            Outcome outcome) {
        return new CaseComparison(position, prompt, result(position, prompt, before), result(position, prompt, after),
                outcome);
    }

    private static CaseResult result(int position, String prompt, String output) {
        return new CaseResult(position, prompt, null, null, AssertionType.NONE, null, null, output, true, 1.0, "ok",
                null, 10, 3, 5);
    }
}
