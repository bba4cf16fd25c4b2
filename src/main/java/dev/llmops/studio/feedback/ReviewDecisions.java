package dev.llmops.studio.feedback;

import dev.llmops.studio.feedback.ReviewRepository.SubmittedReview;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the reviews of each item add up to, for training. Per item, in this order:
 * <ol>
 *   <li>corrected: the latest correction that differs from the response is the answer to learn, and it is
 *       preferred over the response it replaced;</li>
 *   <li>pairwise: the response most reviewers chose is the answer to learn, preferred over the other (a tie
 *       teaches nothing);</li>
 *   <li>single: accepted when the mean rating is 4 or more (without ratings: more thumbs up than down) and nobody
 *       tagged it unsafe; otherwise rejected, and left out.</li>
 * </ol>
 */
final class ReviewDecisions {

    record Example(long itemId, String prompt, String answer, String kind) {
    }

    record PreferencePair(long itemId, String prompt, String chosen, String rejected, String kind) {
    }

    record Decided(List<Example> examples, List<PreferencePair> pairs, int corrected, int accepted, int preferred,
            int rejected) {
    }

    private ReviewDecisions() {
    }

    static Decided decide(List<SubmittedReview> reviews) {
        Map<Long, List<SubmittedReview>> byItem = new LinkedHashMap<>();
        reviews.forEach(r -> byItem.computeIfAbsent(r.itemId(), id -> new ArrayList<>()).add(r));
        List<Example> examples = new ArrayList<>();
        List<PreferencePair> pairs = new ArrayList<>();
        int corrected = 0;
        int accepted = 0;
        int preferred = 0;
        int rejected = 0;
        for (List<SubmittedReview> item : byItem.values()) {
            SubmittedReview first = item.get(0);
            String winner = pairwiseWinner(item);
            String correction = latestCorrection(item);
            if (correction != null) {
                String replaced = winner != null ? winner : first.response();
                examples.add(new Example(first.itemId(), first.prompt(), correction, "corrected"));
                pairs.add(new PreferencePair(first.itemId(), first.prompt(), correction, replaced, "correction"));
                corrected++;
            } else if (first.responseB() != null) {
                if (winner == null) {
                    rejected++;
                    continue;
                }
                String loser = winner.equals(first.response()) ? first.responseB() : first.response();
                examples.add(new Example(first.itemId(), first.prompt(), winner, "preferred"));
                pairs.add(new PreferencePair(first.itemId(), first.prompt(), winner, loser, "pairwise"));
                preferred++;
            } else if (accepted(item)) {
                examples.add(new Example(first.itemId(), first.prompt(), first.response(), "accepted"));
                accepted++;
            } else {
                rejected++;
            }
        }
        return new Decided(examples, pairs, corrected, accepted, preferred, rejected);
    }

    private static String latestCorrection(List<SubmittedReview> item) {
        String latest = null;
        for (SubmittedReview review : item) {
            String corrected = review.input().corrected();
            if (corrected != null && !corrected.strip().equals(review.response().strip())
                    && !corrected.strip().equals(Objects.requireNonNullElse(review.responseB(), "").strip())) {
                latest = corrected.strip();
            }
        }
        return latest;
    }

    private static String pairwiseWinner(List<SubmittedReview> item) {
        SubmittedReview first = item.get(0);
        if (first.responseB() == null) {
            return null;
        }
        long a = item.stream().filter(r -> r.input().preferred() == Preference.A).count();
        long b = item.stream().filter(r -> r.input().preferred() == Preference.B).count();
        return a == b ? null : a > b ? first.response() : first.responseB();
    }

    private static boolean accepted(List<SubmittedReview> item) {
        if (item.stream().anyMatch(r -> r.input().tags().contains(ReviewTag.UNSAFE))) {
            return false;
        }
        List<Integer> ratings = item.stream().map(r -> r.input().rating()).filter(Objects::nonNull).toList();
        if (!ratings.isEmpty()) {
            return ratings.stream().mapToInt(Integer::intValue).average().orElse(0) >= 4;
        }
        long up = item.stream().filter(r -> r.input().thumbs() == Thumbs.UP).count();
        long down = item.stream().filter(r -> r.input().thumbs() == Thumbs.DOWN).count();
        return up > down;
    }
}
