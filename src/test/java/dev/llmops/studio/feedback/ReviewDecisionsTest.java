package dev.llmops.studio.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.studio.feedback.ReviewDecisions.Decided;
import dev.llmops.studio.feedback.ReviewRepository.SubmittedReview;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReviewDecisionsTest {

    private static final OffsetDateTime T = OffsetDateTime.of(2026, 12, 4, 12, 0, 0, 0, ZoneOffset.UTC);

    @Test
    void theLatestCorrectionIsLearntAndPreferredOverTheResponse() {
        Decided decided = ReviewDecisions.decide(List.of(
                review(1, "Q", "old", null, "ann", new ReviewInput(2, null, null, "first fix", Set.of(), null), 0),
                review(1, "Q", "old", null, "bob", new ReviewInput(1, null, null, "better fix", Set.of(), null), 1)));
        assertThat(decided.examples()).singleElement().satisfies(e -> {
            assertThat(e.answer()).isEqualTo("better fix");
            assertThat(e.kind()).isEqualTo("corrected");
        });
        assertThat(decided.pairs()).singleElement().satisfies(p -> {
            assertThat(p.chosen()).isEqualTo("better fix");
            assertThat(p.rejected()).isEqualTo("old");
        });
    }

    @Test
    void aCorrectionThatChangesNothingIsNoCorrection() {
        Decided decided = ReviewDecisions.decide(List.of(review(1, "Q", "fine answer", null, "ann",
                new ReviewInput(5, null, null, " fine answer ", Set.of(), null), 0)));
        assertThat(decided.corrected()).isZero();
        assertThat(decided.accepted()).isEqualTo(1);
        assertThat(decided.pairs()).isEmpty();
    }

    @Test
    void pairwiseMajorityWinsAndATieTeachesNothing() {
        Decided majority = ReviewDecisions.decide(List.of(
                review(1, "Q", "a", "b", "ann", choice(Preference.B), 0),
                review(1, "Q", "a", "b", "bob", choice(Preference.B), 1),
                review(1, "Q", "a", "b", "cyd", choice(Preference.A), 2)));
        assertThat(majority.examples()).singleElement().satisfies(e -> assertThat(e.answer()).isEqualTo("b"));
        assertThat(majority.pairs()).singleElement().satisfies(p -> {
            assertThat(p.chosen()).isEqualTo("b");
            assertThat(p.rejected()).isEqualTo("a");
        });
        Decided tie = ReviewDecisions.decide(List.of(
                review(2, "Q", "a", "b", "ann", choice(Preference.A), 0),
                review(2, "Q", "a", "b", "bob", choice(Preference.B), 1)));
        assertThat(tie.examples()).isEmpty();
        assertThat(tie.rejected()).isEqualTo(1);
    }

    @Test
    void singleAnswersAreAcceptedOnAMeanRatingOfFourOrOnThumbsAndNeverWhenUnsafe() {
        Decided decided = ReviewDecisions.decide(List.of(
                review(1, "Q1", "r1", null, "ann", new ReviewInput(4, null, null, null, Set.of(), null), 0),
                review(1, "Q1", "r1", null, "bob", new ReviewInput(4, null, null, null, Set.of(), null), 1),
                review(2, "Q2", "r2", null, "ann", new ReviewInput(5, null, null, null, Set.of(), null), 0),
                review(2, "Q2", "r2", null, "bob", new ReviewInput(2, null, null, null, Set.of(), null), 1),
                review(3, "Q3", "r3", null, "ann", new ReviewInput(null, Thumbs.UP, null, null, Set.of(), null), 0),
                review(4, "Q4", "r4", null, "ann", new ReviewInput(5, null, null, null, Set.of(ReviewTag.UNSAFE),
                        null), 0)));
        assertThat(decided.examples()).extracting(ReviewDecisions.Example::prompt).containsExactly("Q1", "Q3");
        assertThat(decided.rejected()).isEqualTo(2);
    }

    private static ReviewInput choice(Preference preference) {
        return new ReviewInput(null, null, preference, null, Set.of(), null);
    }

    private static SubmittedReview review(long item, String prompt, String response, String responseB,
            String reviewer, ReviewInput input, int minutes) {
        return new SubmittedReview(item, prompt, response, responseB, reviewer, input, T.plusMinutes(minutes));
    }
}
