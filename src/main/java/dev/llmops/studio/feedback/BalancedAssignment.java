package dev.llmops.studio.feedback;

import dev.llmops.studio.feedback.ReviewRepository.NewAssignment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.random.RandomGenerator;

/**
 * Hands each item to {@code k} different reviewers, always the ones with the least open work (ties by name), so the
 * load stays even across the pool even when some reviewers already have work in the queue. Each assignment also
 * draws which of a pairwise item's answers that reviewer sees first.
 */
final class BalancedAssignment {

    private BalancedAssignment() {
    }

    static List<NewAssignment> assign(List<Long> itemIds, List<String> pool, int k, Map<String, Integer> openLoad,
            RandomGenerator random) {
        if (pool.isEmpty()) {
            throw new IllegalArgumentException("no reviewers to assign to");
        }
        int perItem = Math.min(k, pool.size());
        Map<String, Integer> load = new HashMap<>();
        pool.forEach(reviewer -> load.put(reviewer, openLoad.getOrDefault(reviewer, 0)));
        Comparator<String> leastLoaded = Comparator.<String>comparingInt(load::get).thenComparing(r -> r);
        PriorityQueue<String> next = new PriorityQueue<>(leastLoaded);
        next.addAll(pool);
        List<NewAssignment> assignments = new ArrayList<>(itemIds.size() * perItem);
        List<String> taken = new ArrayList<>(perItem);
        for (long itemId : itemIds) {
            taken.clear();
            for (int i = 0; i < perItem; i++) {
                taken.add(next.poll());
            }
            for (String reviewer : taken) {
                assignments.add(new NewAssignment(itemId, reviewer, random.nextBoolean()));
                load.merge(reviewer, 1, Integer::sum);
                next.add(reviewer);
            }
        }
        return assignments;
    }
}
