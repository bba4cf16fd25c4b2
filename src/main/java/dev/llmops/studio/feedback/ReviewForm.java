package dev.llmops.studio.feedback;

import java.util.EnumSet;
import java.util.Set;

/**
 * What the reviewer has entered on the screen for one item, kept apart from the components so that the keyboard,
 * the buttons and a reopened draft all change the same state. A correction counts only once it differs from the
 * answers shown: opening the editor and leaving the text as it was judges nothing.
 */
final class ReviewForm {

    private final ReviewTask task;
    private Integer rating;
    private Thumbs thumbs;
    private Preference preferred;
    private final Set<ReviewTag> tags = EnumSet.noneOf(ReviewTag.class);
    private String comment;
    /** The corrected answer while the editor is open; null while it is closed. */
    private String correction;

    ReviewForm(ReviewTask task) {
        this.task = task;
        ReviewInput saved = task.saved();
        rating = saved.rating();
        thumbs = saved.thumbs();
        preferred = saved.preferred();
        tags.addAll(saved.tags());
        comment = saved.comment();
        correction = saved.corrected();
    }

    ReviewInput input() {
        return new ReviewInput(rating, thumbs, preferred, changedCorrection(), tags, comment);
    }

    private String changedCorrection() {
        if (correction == null || correction.strip().equals(task.response().strip())
                || task.pairwise() && correction.strip().equals(task.responseB().strip())) {
            return null;
        }
        return correction;
    }

    Integer rating() {
        return rating;
    }

    void rate(int stars) {
        if (stars < 1 || stars > 5) {
            throw new IllegalArgumentException("a rating is 1 to 5: " + stars);
        }
        rating = stars;
    }

    Thumbs thumbs() {
        return thumbs;
    }

    /** Gives the thumb, or takes it back when it was given already. */
    void toggleThumbs(Thumbs given) {
        thumbs = thumbs == given ? null : given;
    }

    /** The side chosen as the screen shows it: true left, false right, null a tie or nothing chosen. */
    Boolean leftChosen() {
        if (preferred == null || preferred == Preference.TIE) {
            return null;
        }
        return task.preferenceOf(true) == preferred;
    }

    boolean tie() {
        return preferred == Preference.TIE;
    }

    void chooseSide(boolean left) {
        preferred = task.preferenceOf(left);
    }

    void chooseTie() {
        preferred = Preference.TIE;
    }

    boolean tagged(ReviewTag tag) {
        return tags.contains(tag);
    }

    void toggleTag(ReviewTag tag) {
        if (!tags.remove(tag)) {
            tags.add(tag);
        }
    }

    void comment(String text) {
        comment = text;
    }

    boolean editing() {
        return correction != null;
    }

    String correction() {
        return correction;
    }

    /**
     * Opens the editor on the answer to correct: the one chosen for a pairwise item (the left one before a choice),
     * else the response; a correction made earlier is kept.
     */
    void startEditing() {
        if (correction == null) {
            correction = Boolean.FALSE.equals(leftChosen()) ? task.right() : task.left();
        }
    }

    void correct(String text) {
        correction = text == null ? "" : text;
    }

    /** Closes the editor, dropping the correction. */
    void stopEditing() {
        correction = null;
    }
}
