package dev.llmops.studio.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.studio.feedback.ReviewRepository.NewAssignment;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class BalancedAssignmentTest {

    private static final List<Long> TEN_ITEMS = LongStream.rangeClosed(1, 10).boxed().toList();

    @Test
    void eachItemGoesToKDifferentReviewersAndTheLoadStaysEven() {
        List<NewAssignment> assignments = BalancedAssignment.assign(TEN_ITEMS, List.of("ann", "bob", "cyd"), 2,
                Map.of(), new Random(1));
        assertThat(assignments).hasSize(20);
        assertThat(assignments.stream().collect(Collectors.groupingBy(NewAssignment::itemId)))
                .allSatisfy((item, given) -> assertThat(given).extracting(NewAssignment::reviewer)
                        .hasSize(2).doesNotHaveDuplicates());
        assertThat(perReviewer(assignments).values()).allSatisfy(count -> assertThat(count).isBetween(6L, 7L));
    }

    @Test
    void reviewersWithOpenWorkGetNewItemsLast() {
        List<NewAssignment> assignments = BalancedAssignment.assign(TEN_ITEMS, List.of("ann", "bob", "cyd"), 1,
                Map.of("ann", 8), new Random(1));
        // bob and cyd catch up with ann's eight open items first: 10 new items → 5 each, none for ann
        assertThat(perReviewer(assignments)).containsOnly(Map.entry("bob", 5L), Map.entry("cyd", 5L));
    }

    @Test
    void kLargerThanThePoolGivesEveryItemToEveryone() {
        assertThat(BalancedAssignment.assign(List.of(7L), List.of("ann"), 3, Map.of(), new Random(1)))
                .extracting(NewAssignment::reviewer).containsExactly("ann");
        assertThatThrownBy(() -> BalancedAssignment.assign(List.of(7L), List.of(), 1, Map.of(), new Random(1)))
                .hasMessageContaining("no reviewers");
    }

    @Test
    void theOrderOfAPairsAnswersIsDrawnPerAssignment() {
        List<NewAssignment> many = BalancedAssignment.assign(LongStream.rangeClosed(1, 400).boxed().toList(),
                List.of("ann", "bob"), 2, Map.of(), new Random(3));
        long bFirst = many.stream().filter(NewAssignment::bFirst).count();
        assertThat(bFirst).isBetween(320L, 480L);
    }

    private static Map<String, Long> perReviewer(List<NewAssignment> assignments) {
        return assignments.stream().collect(Collectors.groupingBy(NewAssignment::reviewer, Collectors.counting()));
    }
}
