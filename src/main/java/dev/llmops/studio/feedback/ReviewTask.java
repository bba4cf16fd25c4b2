package dev.llmops.studio.feedback;

import java.time.OffsetDateTime;

/**
 * One item as its reviewer sees it, with what they saved so far. For a pairwise item the two responses are shown in
 * the order {@link #bFirst} says (drawn at random per reviewer and item, against position bias); {@link #left} and
 * {@link #right} give them in that order, and {@link #preferenceOf} turns the side chosen back into the item's terms.
 */
public record ReviewTask(long assignmentId, long itemId, String queue, String instructions, String prompt,
        String context, String response, String responseB, boolean bFirst, String reference, ReviewInput saved,
        boolean submitted, OffsetDateTime savedAt, long position, ReviewerProgress progress) {

    public boolean pairwise() {
        return responseB != null;
    }

    public String left() {
        return pairwise() && bFirst ? responseB : response;
    }

    public String right() {
        return pairwise() ? (bFirst ? response : responseB) : null;
    }

    /** The item's preference for the side shown left ({@code true}) or right. */
    public Preference preferenceOf(boolean leftChosen) {
        return leftChosen != bFirst ? Preference.A : Preference.B;
    }
}
