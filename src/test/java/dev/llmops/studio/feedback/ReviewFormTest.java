package dev.llmops.studio.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The workspace's form: what the keys and buttons change, and what reaches the service as a review. */
class ReviewFormTest {

    private static final ReviewerProgress PROGRESS = new ReviewerProgress("rita", 0, 3);

    @Test
    void aReopenedDraftShowsWhatWasSaved() {
        ReviewInput draft = new ReviewInput(4, Thumbs.UP, null, "Better answer", Set.of(ReviewTag.BIASED), "meh");
        ReviewForm form = new ReviewForm(single(draft));

        assertThat(form.input()).isEqualTo(draft);
        assertThat(form.rating()).isEqualTo(4);
        assertThat(form.editing()).isTrue();
        assertThat(form.correction()).isEqualTo("Better answer");
        assertThat(form.tagged(ReviewTag.BIASED)).isTrue();
    }

    @Test
    void thumbsAndTagsToggleARatingIsReplaced() {
        ReviewForm form = new ReviewForm(single(ReviewInput.EMPTY));
        form.rate(2);
        form.rate(5);
        form.toggleThumbs(Thumbs.DOWN);
        form.toggleThumbs(Thumbs.DOWN);
        form.toggleTag(ReviewTag.WRONG);
        form.toggleTag(ReviewTag.UNSAFE);
        form.toggleTag(ReviewTag.WRONG);

        assertThat(form.input()).isEqualTo(new ReviewInput(5, null, null, null, Set.of(ReviewTag.UNSAFE), null));
    }

    @Test
    void anUnchangedCorrectionJudgesNothing() {
        ReviewForm form = new ReviewForm(single(ReviewInput.EMPTY));
        form.startEditing();

        assertThat(form.correction()).isEqualTo("Paris.");
        assertThat(form.input().corrected()).as("opened, not changed").isNull();
        form.correct("  Paris.\n");
        assertThat(form.input().corrected()).as("only whitespace changed").isNull();
        form.correct("The capital of France is Paris.");
        assertThat(form.input().corrected()).isEqualTo("The capital of France is Paris.");
        form.stopEditing();
        assertThat(form.input().corrected()).as("discarded").isNull();
    }

    @Test
    void theSideChosenOnScreenIsStoredInTheItemsTerms() {
        for (boolean bFirst : new boolean[] {false, true}) {
            ReviewTask task = pair(bFirst);
            ReviewForm form = new ReviewForm(task);
            form.chooseSide(true);
            assertThat(answerOf(task, form.input().preferred())).as("b first: %s", bFirst).isEqualTo(task.left());
            assertThat(form.leftChosen()).isTrue();
            form.chooseSide(false);
            assertThat(answerOf(task, form.input().preferred())).isEqualTo(task.right());
            assertThat(form.leftChosen()).isFalse();
            form.chooseTie();
            assertThat(form.input().preferred()).isEqualTo(Preference.TIE);
            assertThat(form.leftChosen()).isNull();
        }
    }

    @Test
    void editingAPairStartsFromTheChosenAnswerAndNeitherAnswerCountsAsACorrection() {
        ReviewTask task = pair(true);
        ReviewForm form = new ReviewForm(task);
        form.chooseSide(false);
        form.startEditing();

        assertThat(form.correction()).isEqualTo(task.right());
        form.correct(task.left());
        assertThat(form.input().corrected()).as("the other answer, copied").isNull();
    }

    private static String answerOf(ReviewTask task, Preference preference) {
        return preference == Preference.A ? task.response() : task.responseB();
    }

    private static ReviewTask single(ReviewInput saved) {
        return new ReviewTask(1, 10, "q", null, "Capital of France?", null, "Paris.", null, false, null, saved,
                false, null, 1, PROGRESS);
    }

    private static ReviewTask pair(boolean bFirst) {
        return new ReviewTask(2, 11, "q", null, "Capital of France?", null, "Paris.", "Lyon.", bFirst, null,
                ReviewInput.EMPTY, false, null, 2, PROGRESS);
    }
}
