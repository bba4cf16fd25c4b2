package dev.llmops.studio.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.llmops.studio.dataset.DatasetRecord;
import dev.llmops.studio.dataset.DatasetService;
import dev.llmops.studio.dataset.SourceKind;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.platform.NotFoundException;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.Http;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.support.Users;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.access.AccessDeniedException;

/**
 * A review queue end to end on a real database: items go to k reviewers each, evenly; a reviewer sees and changes
 * only their own items; drafts survive; submits are checked; the dashboard counts and measures agreement; the
 * export makes a dataset version of corrected and accepted answers with preference pairs beside it.
 */
@H2Test
class ReviewQueueTest {

    @Autowired
    ReviewService reviews;
    @Autowired
    DatasetService datasets;
    @Autowired
    Users users;
    @LocalServerPort
    int port;

    @Test
    void reviewersWorkTheirOwnItemsAndTheExportLearnsFromTheirCorrections() throws Exception {
        String owner = users.create("queue-owner", Role.DOMAIN_EXPERT);
        String ann = users.create("ann", Role.REVIEWER);
        String bob = users.create("bob", Role.REVIEWER);
        String queue = Users.uniqueName("support answers");
        asOwner(owner, () -> reviews.createQueue(queue, "Correct wrong answers.", 2));
        ReviewBatchInfo batch = asOwner(owner, () -> reviews.addItems(queue, "test", List.of(
                NewReviewItem.single("How do I reset my password?", null, "Call us.", "m v1"),
                NewReviewItem.single("Where is my invoice?", null, "Under Billing → Invoices.", "m v1"),
                NewReviewItem.single("Can I pay by card?", null, "Yes, all major cards.", "m v1"),
                NewReviewItem.pairwise("Say hello", "Hello!", "m v1", "Hi there, how can I help?", "m v2")),
                new ReviewService.Reviewers(List.of(ann, bob)), null, null));
        assertThat(batch.items()).isEqualTo(4);
        assertThat(batch.quota()).isEqualTo(4);

        // each of the two reviewers has all four items (k = 2 of a pool of 2)
        assertThat(as(ann, () -> reviews.myQueues())).singleElement().satisfies(q -> {
            assertThat(q.queue()).isEqualTo(queue);
            assertThat(q.progress().assigned()).isEqualTo(4);
            assertThat(q.progress().submitted()).isZero();
        });

        ReviewTask first = as(ann, () -> reviews.next(queue)).orElseThrow();
        assertThat(first.prompt()).isEqualTo("How do I reset my password?");
        assertThat(first.position()).isEqualTo(1);
        assertThat(first.instructions()).isEqualTo("Correct wrong answers.");

        // someone else's assignment is not theirs to see or change
        long bobsFirst = as(bob, () -> reviews.next(queue)).orElseThrow().assignmentId();
        assertThatThrownBy(() -> as(ann, () -> reviews.open(queue, bobsFirst))).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> as(ann, () -> {
            reviews.submit(bobsFirst, new ReviewInput(5, null, null, null, Set.of(), null));
            return null;
        })).isInstanceOf(NotFoundException.class);

        // a draft survives moving away and back
        as(ann, () -> {
            reviews.saveDraft(first.assignmentId(), new ReviewInput(2, null, null, null, Set.of(ReviewTag.WRONG),
                    "too short"));
            return null;
        });
        ReviewTask second = as(ann, () -> reviews.neighbour(queue, first.assignmentId(), true)).orElseThrow();
        assertThat(second.position()).isEqualTo(2);
        ReviewTask back = as(ann, () -> reviews.neighbour(queue, second.assignmentId(), false)).orElseThrow();
        assertThat(back.saved().rating()).isEqualTo(2);
        assertThat(back.saved().tags()).containsExactly(ReviewTag.WRONG);
        assertThat(back.submitted()).isFalse();

        // a review must judge; a pairwise one must choose
        assertThatThrownBy(() -> submit(ann, first, new ReviewInput(null, null, null, null, Set.of(), "hmm")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("Rate the answer");
        ReviewTask pair = task(ann, queue, "Say hello");
        assertThat(pair.pairwise()).isTrue();
        assertThat(List.of(pair.left(), pair.right())).containsExactlyInAnyOrder("Hello!", "Hi there, how can I help?");
        assertThatThrownBy(() -> submit(ann, pair, new ReviewInput(4, null, null, null, Set.of(), null)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("Choose the better answer");

        // ann: corrects the password answer, accepts invoice, rejects card, prefers v2
        submit(ann, first, new ReviewInput(2, null, null, "Open Settings → Security and choose “Reset password”.",
                Set.of(ReviewTag.WRONG), null));
        submit(ann, task(ann, queue, "Where is my invoice?"), new ReviewInput(5, Thumbs.UP, null, null, Set.of(), null));
        submit(ann, task(ann, queue, "Can I pay by card?"), new ReviewInput(2, Thumbs.DOWN, null, null, Set.of(), null));
        submit(ann, pair, new ReviewInput(null, null, Preference.B, null, Set.of(), null));
        assertThat(as(ann, () -> reviews.next(queue))).isEmpty();
        // bob: agrees on password and invoice, disagrees on card, prefers v2 too
        submit(bob, task(bob, queue, "How do I reset my password?"), new ReviewInput(1, Thumbs.DOWN, null, null,
                Set.of(ReviewTag.WRONG), null));
        submit(bob, task(bob, queue, "Where is my invoice?"), new ReviewInput(5, Thumbs.UP, null, null, Set.of(), null));
        submit(bob, task(bob, queue, "Can I pay by card?"), new ReviewInput(5, Thumbs.UP, null, null, Set.of(), null));
        submit(bob, task(bob, queue, "Say hello"), new ReviewInput(null, null, Preference.B, null, Set.of(), null));

        QueueDashboard dashboard = asOwner(owner, () -> reviews.dashboard(queue));
        assertThat(dashboard.queue().completedItems()).isEqualTo(4);
        assertThat(dashboard.reviewers()).extracting(ReviewerProgress::reviewer).containsExactlyInAnyOrder(ann, bob);
        assertThat(dashboard.reviewers()).allSatisfy(r -> assertThat(r.fraction()).isEqualTo(1.0));
        assertThat(dashboard.ratingCounts()).containsExactly(1, 2, 0, 0, 3);
        assertThat(dashboard.tagCounts()).containsEntry(ReviewTag.WRONG, 2L);
        assertThat(dashboard.preferenceCounts()).containsEntry(Preference.B, 2L);
        assertThat(dashboard.kappaPair()).containsExactlyInAnyOrder(ann, bob);
        assertThat(dashboard.kappaItems()).isEqualTo(3);
        // ratings (2,1) (5,5) (2,5) as categories: observed 1/3; expected = ann {2:2,5:1} × bob {1:1,5:2} = 2/9
        assertThat(dashboard.kappa()).isCloseTo((1 / 3.0 - 2 / 9.0) / (1 - 2 / 9.0), within(1e-9));
        assertThat(dashboard.alpha()).isBetween(-1.0, 1.0);
        assertThat(dashboard.disagreements()).extracting(QueueDashboard.Disagreement::prompt)
                .containsExactly("Can I pay by card?");

        String dataset = Users.uniqueName("support-reviewed");
        ReviewExport export = asOwner(owner, () -> reviews.export(queue, dataset));
        assertThat(export.corrected()).isEqualTo(1);
        assertThat(export.accepted()).isEqualTo(1);
        assertThat(export.preferred()).isEqualTo(1);
        assertThat(export.rejected()).as("card: mean rating 3.5").isEqualTo(1);
        assertThat(export.dataset().sourceKind()).isEqualTo(SourceKind.FEEDBACK);
        assertThat(export.dataset().sourceRef()).contains(queue).contains("3 example(s), 1 corrected");
        assertThat(export.dataset().createdBy()).isEqualTo(owner);
        List<DatasetRecord> records = asOwner(owner, () -> datasets.head(dataset, 1, 10));
        Map<String, String> answers = records.stream().collect(Collectors.toMap(
                r -> r.messages().get(0).content(), r -> r.messages().get(1).content()));
        assertThat(answers).containsOnly(
                Map.entry("How do I reset my password?", "Open Settings → Security and choose “Reset password”."),
                Map.entry("Where is my invoice?", "Under Billing → Invoices."),
                Map.entry("Say hello", "Hi there, how can I help?"));
        assertThat(records).allSatisfy(r -> assertThat(r.attributes()).containsEntry("queue", queue));
        assertThat(export.preferencesJsonl().lines().toList()).hasSize(2)
                .anySatisfy(line -> assertThat(line).contains("\"chosen\":\"Open Settings → Security")
                        .contains("\"rejected\":\"Call us.\""))
                .anySatisfy(line -> assertThat(line).contains("\"chosen\":\"Hi there, how can I help?\"")
                        .contains("\"rejected\":\"Hello!\""));

        assertThatThrownBy(() -> as(ann, () -> reviews.export(queue, dataset)))
                .isInstanceOf(AccessDeniedException.class);
    }

    @Test
    void itemsAreSpreadEvenlyOverTheReviewerRole() throws Exception {
        String owner = users.create("spread-owner", Role.ML_ENGINEER);
        List<String> pool = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            pool.add(users.create("spread-reviewer", Role.REVIEWER));
        }
        String queue = Users.uniqueName("spread");
        asOwner(owner, () -> reviews.createQueue(queue, null, 2));
        List<NewReviewItem> items = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            items.add(NewReviewItem.single("question " + i, null, "answer " + i, null));
        }
        asOwner(owner, () -> reviews.addItems(queue, "test", items, new ReviewService.Reviewers(pool), 10, null));
        for (String reviewer : pool) {
            assertThat(as(reviewer, () -> reviews.myQueues())).singleElement()
                    .satisfies(q -> assertThat(q.progress().assigned()).isEqualTo(20));
        }
    }

    @Test
    void pairwiseItemsArriveOverRestAndTheDashboardAndPreferencesAreServed() throws Exception {
        String owner = users.create("rest-owner", Role.ML_ENGINEER);
        String token = users.tokenFor(owner, Role.ML_ENGINEER);
        String reviewer = users.create("rest-reviewer", Role.REVIEWER);
        String queue = Users.uniqueName("ab-queue");
        Http http = new Http(port);
        assertThat(http.send("POST", "/api/v1/review-queues", token, Http.json(Map.of("name", queue,
                "instructions", "Pick the better answer.", "reviewersPerItem", 1))).status()).isEqualTo(201);
        Http.Response added = http.send("POST", "/api/v1/review-queues/" + queue + "/items", token, Http.json(Map.of(
                "source", "comparison of v1 and v2", "reviewers", List.of(reviewer), "items", List.of(Map.of(
                        "prompt", "Say hello", "response", "Hello!", "responseModel", "m v1",
                        "responseB", "Hi there, how can I help?", "responseBModel", "m v2")))));
        assertThat(added.status()).as(added.body()).isEqualTo(200);
        assertThat(added.json().path("items").asInt()).isEqualTo(1);

        ReviewTask pair = as(reviewer, () -> reviews.next(queue)).orElseThrow();
        assertThat(pair.pairwise()).isTrue();
        submit(reviewer, pair, new ReviewInput(null, null, pair.preferenceOf(
                pair.left().equals("Hi there, how can I help?")), null, Set.of(), null));

        Http.Response dashboard = http.get("/api/v1/review-queues/" + queue + "/dashboard", token);
        assertThat(dashboard.status()).isEqualTo(200);
        assertThat(dashboard.json().path("preferenceCounts").path("B").asInt()).isEqualTo(1);
        assertThat(dashboard.json().path("leftChosen").asInt() + 0).isBetween(0, 1);
        Http.Response preferences = http.get("/api/v1/review-queues/" + queue + "/preferences", token);
        assertThat(preferences.status()).isEqualTo(200);
        assertThat(preferences.body()).contains("\"chosen\":\"Hi there, how can I help?\"")
                .contains("\"rejected\":\"Hello!\"");
    }

    private ReviewTask task(String reviewer, String queue, String prompt) throws Exception {
        ReviewTask task = as(reviewer, () -> reviews.next(queue)).orElseThrow();
        while (!task.prompt().equals(prompt)) {
            long id = task.assignmentId();
            Optional<ReviewTask> next = as(reviewer, () -> reviews.neighbour(queue, id, true));
            task = next.orElseThrow(() -> new AssertionError("no item “" + prompt + "” for " + reviewer));
        }
        return task;
    }

    private void submit(String reviewer, ReviewTask task, ReviewInput input) throws Exception {
        as(reviewer, () -> {
            reviews.submit(task.assignmentId(), input);
            return null;
        });
    }

    private static <T> T as(String reviewer, Callable<T> action) throws Exception {
        return SignedIn.as(reviewer, List.of(Role.REVIEWER), action);
    }

    private static <T> T asOwner(String owner, Callable<T> action) throws Exception {
        return SignedIn.as(owner, List.of(Role.DOMAIN_EXPERT), action);
    }
}
