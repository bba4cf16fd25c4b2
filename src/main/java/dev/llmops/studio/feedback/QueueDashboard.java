package dev.llmops.studio.feedback;

import java.util.List;
import java.util.Map;

/**
 * A queue at a glance: progress per reviewer, what reviewers said (ratings 1–5, thumbs, tags, pairwise choices and
 * how often the answer shown on the left won, a check on position bias), how much they agree, and the items on
 * which they disagree.
 *
 * @param kappa         Cohen's kappa of the two reviewers who rated the most items in common (their ratings as
 *                      categories); null when no two reviewers rated a common item
 * @param kappaPair     those two reviewers
 * @param kappaItems    how many items the kappa is computed on
 * @param alpha         Krippendorff's alpha of all ratings (interval distance); NaN when it cannot be computed
 * @param alphaNominal  Krippendorff's alpha of the thumbs and pairwise choices (nominal); NaN likewise
 */
public record QueueDashboard(ReviewQueueInfo queue, List<ReviewerProgress> reviewers, long[] ratingCounts,
        long thumbsUp, long thumbsDown, Map<ReviewTag, Long> tagCounts, Map<Preference, Long> preferenceCounts,
        long leftChosen, long sideChoices, long corrections, Double kappa, List<String> kappaPair, int kappaItems,
        double alpha, double alphaNominal, List<Disagreement> disagreements) {

    /** An item whose reviewers disagree: ratings two or more apart, opposite thumbs, or opposite choices. */
    public record Disagreement(long itemId, String prompt, String response, List<Opinion> opinions) {
    }

    /** One reviewer's say on a disputed item. */
    public record Opinion(String reviewer, ReviewInput input) {
    }
}
