package dev.llmops.studio.feedback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmops.studio.dataset.ColumnMapping;
import dev.llmops.studio.dataset.DatasetService;
import dev.llmops.studio.dataset.DatasetVersionInfo;
import dev.llmops.studio.dataset.SourceKind;
import dev.llmops.studio.evaluation.Agreement;
import dev.llmops.studio.feedback.ReviewDecisions.Decided;
import dev.llmops.studio.feedback.ReviewRepository.AssignmentRow;
import dev.llmops.studio.feedback.ReviewRepository.QueueRow;
import dev.llmops.studio.feedback.ReviewRepository.SubmittedReview;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.platform.NotFoundException;
import dev.llmops.studio.run.TaskDispatcher;
import dev.llmops.studio.security.AuditLog;
import dev.llmops.studio.security.CurrentUser;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.security.UserDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Review queues: filling them (balanced across reviewers, each item to k of them), the reviewer's own work (next,
 * previous, drafts, submit), the dashboard and the export into a dataset version. A reviewer only ever sees their
 * own assignments. When a submit completes the batch a Human review step waits for, the step is woken.
 */
@Service
public class ReviewService {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}");
    private static final int MAX_DISAGREEMENTS = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ReviewRepository reviews;
    private final CurrentUser currentUser;
    private final AuditLog audit;
    private final UserDirectory users;
    private final DatasetService datasets;
    /** Lazily: the dispatcher's executors include the Human review step, which needs this service. */
    private final ObjectProvider<TaskDispatcher> dispatcher;
    private final TransactionTemplate transaction;
    private final Clock clock;

    ReviewService(ReviewRepository reviews, CurrentUser currentUser, AuditLog audit, UserDirectory users,
            DatasetService datasets, ObjectProvider<TaskDispatcher> dispatcher, TransactionTemplate transaction,
            Clock clock) {
        this.reviews = reviews;
        this.currentUser = currentUser;
        this.audit = audit;
        this.users = users;
        this.datasets = datasets;
        this.dispatcher = dispatcher;
        this.transaction = transaction;
        this.clock = clock;
    }

    /** Who gets the items: the given users, or everyone who holds the Reviewer role. */
    public record Reviewers(List<String> names) {

        public static final Reviewers REVIEWER_ROLE = new Reviewers(List.of());
    }

    // ---- queues ----

    public List<ReviewQueueInfo> queues() {
        currentUser.require(Permission.REVIEW_QUEUES_VIEW);
        return transaction.execute(status -> reviews.queues());
    }

    public ReviewQueueInfo queue(String name) {
        currentUser.require(Permission.REVIEW_QUEUES_VIEW);
        return info(name);
    }

    private ReviewQueueInfo info(String name) {
        return transaction.execute(status -> reviews.queueInfo(name)).orElseThrow(() -> unknownQueue(name));
    }

    public ReviewQueueInfo createQueue(String name, String instructions, int reviewersPerItem) {
        currentUser.require(Permission.REVIEW_QUEUES_MANAGE);
        String actor = currentUser.usernameOrSystem();
        transaction.executeWithoutResult(status -> {
            if (reviews.queue(checkedName(name)).isPresent()) {
                throw new InvalidRequestException("name", "A review queue named “" + name + "” exists already.");
            }
            reviews.insertQueue(name.strip(), blankToNull(instructions), checkedReviewers(reviewersPerItem), actor,
                    now());
        });
        audit.recordAs(actor, "review.queue_created", name, reviewersPerItem + " reviewer(s) per item");
        return info(name.strip());
    }

    /**
     * Puts items in a queue as one batch, assigned to {@code reviewersPerItem} reviewers each; the batch is done
     * when {@code quota} items (null: all) have all their reviews, or at the deadline.
     */
    public ReviewBatchInfo addItems(String queue, String source, List<NewReviewItem> items, Reviewers reviewers,
            Integer quota, OffsetDateTime deadline) {
        currentUser.require(Permission.REVIEW_QUEUES_MANAGE);
        String actor = currentUser.usernameOrSystem();
        QueueRow row = transaction.execute(status -> reviews.queue(queue)).orElseThrow(() -> unknownQueue(queue));
        ReviewBatchInfo batch = addBatch(actor, row, source, null, null, items, reviewers, quota, deadline);
        audit.recordAs(actor, "review.items_added", queue, items.size() + " item(s) from " + source);
        return batch;
    }

    /** The batch a pipeline step put in a queue, if it did already. */
    Optional<ReviewBatchInfo> batchOfStep(long runId, String nodeId) {
        return transaction.execute(status -> reviews.batchOfStep(runId, nodeId));
    }

    /**
     * The Human review step's batch: the queue is created on first use (as the run's starter), the items assigned,
     * all in one transaction, so a retried step finds its batch instead of adding a second one.
     */
    ReviewBatchInfo addStepBatch(String actor, String queue, String instructions, int reviewersPerItem, long runId,
            String nodeId, String source, List<NewReviewItem> items, Reviewers reviewers, Integer quota,
            OffsetDateTime deadline) {
        checkedName(queue);
        QueueRow row = transaction.execute(status -> reviews.queue(queue).orElseGet(() -> {
            reviews.insertQueue(queue, blankToNull(instructions), checkedReviewers(reviewersPerItem), actor, now());
            return reviews.queue(queue).orElseThrow();
        }));
        if (instructions != null && !instructions.isBlank() && !instructions.equals(row.instructions())) {
            transaction.executeWithoutResult(status -> reviews.updateQueue(row.id(), instructions));
        }
        QueueRow sized = new QueueRow(row.id(), row.name(), row.instructions(), reviewersPerItem, row.createdBy(),
                row.createdAt());
        ReviewBatchInfo batch = addBatch(actor, sized, source, runId, nodeId, items, reviewers, quota, deadline);
        audit.recordAs(actor, "review.items_added", queue, items.size() + " item(s) from " + source);
        return batch;
    }

    private ReviewBatchInfo addBatch(String actor, QueueRow queue, String source, Long runId, String nodeId,
            List<NewReviewItem> items, Reviewers reviewers, Integer quota, OffsetDateTime deadline) {
        if (items.isEmpty()) {
            throw new InvalidRequestException("items", "Nothing to review: no items were given.");
        }
        List<String> pool = reviewers.names().isEmpty() ? users.enabledHoldersOf(Role.REVIEWER)
                : reviewers.names().stream().map(String::strip).filter(n -> !n.isEmpty()).distinct().toList();
        if (pool.isEmpty()) {
            throw new InvalidRequestException("reviewers", "Nobody can review: no enabled user holds the Reviewer"
                    + " role. Give the role to someone on the Users screen, or name the reviewers.");
        }
        List<String> unknown = pool.stream().filter(n -> !users.holds(n, Role.REVIEWER)
                && !users.holds(n, Role.DOMAIN_EXPERT)).toList();
        if (!unknown.isEmpty()) {
            throw new InvalidRequestException("reviewers", "Not reviewers: " + String.join(", ", unknown)
                    + " (reviewers need the Reviewer or Domain expert role and an enabled account).");
        }
        int perItem = Math.min(queue.reviewersPerItem(), pool.size());
        int wanted = quota == null ? items.size() : Math.max(1, Math.min(quota, items.size()));
        long batchId = transaction.execute(status -> {
            OffsetDateTime now = now();
            reviews.lockQueue(queue.id());
            long id = reviews.insertBatch(queue.id(), source, runId, nodeId, wanted, items.size(), deadline, actor,
                    now);
            List<Long> itemIds = reviews.insertItems(queue.id(), id, items, perItem, now);
            reviews.insertAssignments(queue.id(), BalancedAssignment.assign(itemIds, pool, perItem,
                    reviews.openLoad(queue.id()), ThreadLocalRandom.current()), now);
            return id;
        });
        return transaction.execute(status -> reviews.batch(batchId)).orElseThrow();
    }

    // ---- a reviewer's work ----

    /** The queues in which the signed-in user has items, with their progress. */
    public List<ReviewerQueue> myQueues() {
        currentUser.require(Permission.REVIEW_WORK);
        String me = me();
        return transaction.execute(status -> {
            Map<Long, ReviewerProgress> mine = reviews.progressOf(me);
            return reviews.queues().stream().filter(q -> mine.containsKey(q.id()))
                    .map(q -> new ReviewerQueue(q.name(), q.instructions(), mine.get(q.id()))).toList();
        });
    }

    /** The signed-in reviewer's first item not yet submitted in the queue; empty when all are done. */
    public Optional<ReviewTask> next(String queue) {
        currentUser.require(Permission.REVIEW_WORK);
        String me = me();
        return transaction.execute(status -> {
            QueueRow row = reviews.queue(queue).orElseThrow(() -> unknownQueue(queue));
            return reviews.firstOpen(row.id(), me).flatMap(id -> task(row.id(), id, me));
        });
    }

    /** The signed-in reviewer's first item in the queue, submitted or not (to look over their reviews). */
    public Optional<ReviewTask> first(String queue) {
        currentUser.require(Permission.REVIEW_WORK);
        String me = me();
        return transaction.execute(status -> {
            QueueRow row = reviews.queue(queue).orElseThrow(() -> unknownQueue(queue));
            return reviews.numbered(row.id(), me, 1).flatMap(id -> task(row.id(), id, me));
        });
    }

    /** The reviewer's next ({@code forward}) or previous item after this one, submitted or not. */
    public Optional<ReviewTask> neighbour(String queue, long assignmentId, boolean forward) {
        currentUser.require(Permission.REVIEW_WORK);
        String me = me();
        return transaction.execute(status -> {
            QueueRow row = reviews.queue(queue).orElseThrow(() -> unknownQueue(queue));
            return reviews.assignment(assignmentId, me).filter(a -> a.queueId() == row.id())
                    .flatMap(a -> reviews.numbered(row.id(), me, forward ? a.seq() + 1 : a.seq() - 1))
                    .flatMap(id -> task(row.id(), id, me));
        });
    }

    /** One of the reviewer's own items; someone else's is not found. */
    public ReviewTask open(String queue, long assignmentId) {
        currentUser.require(Permission.REVIEW_WORK);
        String me = me();
        return transaction.execute(status -> {
            QueueRow row = reviews.queue(queue).orElseThrow(() -> unknownQueue(queue));
            return task(row.id(), assignmentId, me);
        }).orElseThrow(() -> new NotFoundException("No review item " + assignmentId + " of yours in " + queue));
    }

    private Optional<ReviewTask> task(long queueId, long assignmentId, String me) {
        return reviews.assignment(assignmentId, me).filter(a -> a.queueId() == queueId).map(a -> new ReviewTask(
                a.id(), a.itemId(), a.queue(), a.instructions(), a.prompt(), a.context(), a.response(), a.responseB(),
                a.bFirst(), a.reference(), a.input(), a.submitted(), a.savedAt(), a.seq(),
                reviews.progress(queueId, me)));
    }

    /** Keeps what the reviewer entered so far, so leaving the item loses nothing; a submitted review stays so. */
    public void saveDraft(long assignmentId, ReviewInput input) {
        currentUser.require(Permission.REVIEW_WORK);
        String me = me();
        checkValues(input);
        boolean saved = Boolean.TRUE.equals(transaction.execute(status -> reviews.save(assignmentId, me, input,
                now())));
        if (!saved) {
            throw new NotFoundException("No review item " + assignmentId + " of yours");
        }
    }

    /**
     * Submits the review (or changes a submitted one). Completing the last review a waiting Human review step
     * needs wakes it.
     */
    public void submit(long assignmentId, ReviewInput input) {
        currentUser.require(Permission.REVIEW_WORK);
        String me = me();
        checkValues(input);
        Optional<ReviewBatchInfo> batch = transaction.execute(status -> {
            AssignmentRow row = reviews.assignment(assignmentId, me).orElseThrow(() ->
                    new NotFoundException("No review item " + assignmentId + " of yours"));
            checkComplete(row, input);
            reviews.save(assignmentId, me, input, now());
            if (!reviews.markSubmitted(assignmentId, row.queueId(), me, now())) {
                return Optional.<ReviewBatchInfo>empty();
            }
            return reviews.batch(reviews.countSubmitted(row.itemId()));
        });
        batch.filter(b -> b.runId() != null && b.quotaReached()).ifPresent(b -> dispatcher.getObject()
                .wake(b.runId(), b.nodeId(), "reviews complete: " + b.completedItems() + " of " + b.items()
                        + " item(s) fully reviewed"));
    }

    private static void checkValues(ReviewInput input) {
        if (input.rating() != null && (input.rating() < 1 || input.rating() > 5)) {
            throw new InvalidRequestException("rating", "A rating is 1 to 5.");
        }
    }

    private static void checkComplete(AssignmentRow row, ReviewInput input) {
        if (row.responseB() != null && input.preferred() == null) {
            throw new InvalidRequestException("preferred", "Choose the better answer (A or B, or a tie) first.");
        }
        if (!input.judges()) {
            throw new InvalidRequestException("rating", "Rate the answer, give a thumb or correct it first.");
        }
    }

    // ---- dashboard and export ----

    public QueueDashboard dashboard(String queue) {
        currentUser.require(Permission.REVIEW_QUEUES_VIEW);
        ReviewQueueInfo info = info(queue);
        List<ReviewerProgress> progress = transaction.execute(status -> reviews.progressPerReviewer(info.id()));
        List<SubmittedReview> submitted = transaction.execute(status -> reviews.submittedReviews(info.id(), null));
        long[] ratings = new long[5];
        long up = 0;
        long down = 0;
        long corrections = 0;
        Map<ReviewTag, Long> tags = new EnumMap<>(ReviewTag.class);
        Map<Preference, Long> preferences = new EnumMap<>(Preference.class);
        for (SubmittedReview review : submitted) {
            ReviewInput input = review.input();
            if (input.rating() != null) {
                ratings[input.rating() - 1]++;
            }
            up += input.thumbs() == Thumbs.UP ? 1 : 0;
            down += input.thumbs() == Thumbs.DOWN ? 1 : 0;
            corrections += input.corrected() != null ? 1 : 0;
            input.tags().forEach(tag -> tags.merge(tag, 1L, Long::sum));
            if (input.preferred() != null) {
                preferences.merge(input.preferred(), 1L, Long::sum);
            }
        }
        Map<Long, List<SubmittedReview>> byItem = new LinkedHashMap<>();
        submitted.forEach(r -> byItem.computeIfAbsent(r.itemId(), id -> new ArrayList<>()).add(r));
        long leftChosen = transaction.execute(status -> reviews.leftChoices(info.id()));
        long sideChoices = preferences.getOrDefault(Preference.A, 0L) + preferences.getOrDefault(Preference.B, 0L);
        List<List<Double>> ratingUnits = new ArrayList<>();
        List<List<Double>> nominalUnits = new ArrayList<>();
        List<QueueDashboard.Disagreement> disagreements = new ArrayList<>();
        for (List<SubmittedReview> item : byItem.values()) {
            ratingUnits.add(item.stream().map(r -> r.input().rating() == null ? null
                    : r.input().rating().doubleValue()).toList());
            nominalUnits.add(item.stream().map(ReviewService::nominalVerdict).toList());
            if (disagree(item) && disagreements.size() < MAX_DISAGREEMENTS) {
                SubmittedReview first = item.get(0);
                disagreements.add(new QueueDashboard.Disagreement(first.itemId(), first.prompt(), first.response(),
                        item.stream().map(r -> new QueueDashboard.Opinion(r.reviewer(), r.input())).toList()));
            }
        }
        Kappa kappa = kappa(byItem.values());
        return new QueueDashboard(info, progress, ratings, up, down, tags, preferences, leftChosen, sideChoices,
                corrections, kappa == null ? null : kappa.value(), kappa == null ? List.of() : kappa.pair(),
                kappa == null ? 0 : kappa.items(), Agreement.krippendorffsAlpha(ratingUnits,
                        Agreement.Distance.INTERVAL),
                Agreement.krippendorffsAlpha(nominalUnits, Agreement.Distance.NOMINAL), disagreements);
    }

    /** Thumbs and pairwise choices as one nominal verdict: up or A = 1, down or B = 0, tie = 0.5. */
    private static Double nominalVerdict(SubmittedReview review) {
        ReviewInput input = review.input();
        if (input.preferred() != null) {
            return switch (input.preferred()) {
                case A -> 1.0;
                case B -> 0.0;
                case TIE -> 0.5;
            };
        }
        return input.thumbs() == null ? null : input.thumbs() == Thumbs.UP ? 1.0 : 0.0;
    }

    private static boolean disagree(List<SubmittedReview> item) {
        if (item.size() < 2) {
            return false;
        }
        var ratings = item.stream().map(r -> r.input().rating()).filter(Objects::nonNull)
                .mapToInt(Integer::intValue).summaryStatistics();
        boolean ratingsApart = ratings.getCount() >= 2 && ratings.getMax() - ratings.getMin() >= 2;
        boolean thumbsApart = item.stream().map(r -> r.input().thumbs()).filter(Objects::nonNull).distinct()
                .count() > 1;
        boolean choicesApart = item.stream().map(r -> r.input().preferred())
                .filter(p -> p == Preference.A || p == Preference.B).distinct().count() > 1;
        return ratingsApart || thumbsApart || choicesApart;
    }

    private record Kappa(double value, List<String> pair, int items) {
    }

    /** Cohen's kappa on ratings for the pair of reviewers who rated the most items in common. */
    private static Kappa kappa(Iterable<List<SubmittedReview>> items) {
        Map<List<String>, List<String[]>> shared = new HashMap<>();
        for (List<SubmittedReview> item : items) {
            List<SubmittedReview> rated = item.stream().filter(r -> r.input().rating() != null)
                    .sorted((a, b) -> a.reviewer().compareTo(b.reviewer())).toList();
            for (int i = 0; i < rated.size(); i++) {
                for (int j = i + 1; j < rated.size(); j++) {
                    shared.computeIfAbsent(List.of(rated.get(i).reviewer(), rated.get(j).reviewer()),
                            pair -> new ArrayList<>()).add(new String[] {
                                    String.valueOf(rated.get(i).input().rating()),
                                    String.valueOf(rated.get(j).input().rating())});
                }
            }
        }
        return shared.entrySet().stream()
                .max(Map.Entry.<List<String>, List<String[]>>comparingByValue((a, b) -> Integer.compare(a.size(),
                        b.size())).thenComparing(e -> e.getKey().toString(), (a, b) -> b.compareTo(a)))
                .map(e -> new Kappa(Agreement.cohensKappa(e.getValue().stream().map(p -> p[0]).toList(),
                        e.getValue().stream().map(p -> p[1]).toList()), e.getKey(), e.getValue().size()))
                .orElse(null);
    }

    /** Exports the whole queue's reviews as the next version of a dataset, with preference pairs beside it. */
    public ReviewExport export(String queue, String datasetName) throws IOException {
        currentUser.require(Permission.REVIEW_QUEUES_MANAGE);
        ReviewQueueInfo info = info(queue);
        return export(currentUser.usernameOrSystem(), info.name(), info.id(), null, datasetName,
                "review queue “" + info.name() + "”");
    }

    /** Exports one batch (what a Human review step put in the queue), as the run's starter. */
    ReviewExport exportBatch(String actor, ReviewBatchInfo batch, String datasetName) throws IOException {
        return export(actor, batch.queue(), batch.queueId(), batch.id(), datasetName, "review queue “"
                + batch.queue() + "”, " + batch.source());
    }

    private ReviewExport export(String actor, String queue, long queueId, Long batchId, String datasetName,
            String lineage) throws IOException {
        List<SubmittedReview> submitted = transaction.execute(status -> reviews.submittedReviews(queueId, batchId));
        Decided decided = ReviewDecisions.decide(submitted);
        if (decided.examples().isEmpty()) {
            throw new InvalidRequestException("queue", "Nothing to export from " + lineage + ": "
                    + (submitted.isEmpty() ? "no review was submitted yet."
                    : "reviewers rejected every answer without correcting it."));
        }
        Path file = Files.createTempFile("review-export-", ".jsonl");
        try {
            StringBuilder sft = new StringBuilder();
            for (ReviewDecisions.Example example : decided.examples()) {
                ObjectNode line = JSON.createObjectNode().put("id", "review-" + example.itemId());
                line.putArray("messages").add(JSON.createObjectNode().put("role", "user")
                        .put("content", example.prompt())).add(JSON.createObjectNode().put("role", "assistant")
                        .put("content", example.answer()));
                line.put("review", example.kind()).put("queue", queue).put("item", String.valueOf(example.itemId()));
                sft.append(JSON.writeValueAsString(line)).append('\n');
            }
            Files.writeString(file, sft, StandardCharsets.UTF_8);
            String sourceRef = lineage + ": " + decided.examples().size() + " example(s), " + decided.corrected()
                    + " corrected";
            DatasetVersionInfo version = datasets.createDerivedVersion(actor, datasetName, file,
                    "review-" + queue + ".jsonl", SourceKind.FEEDBACK, sourceRef,
                    new ColumnMapping(null, null, null, null, "id", List.of("review", "queue", "item")));
            String preferences = preferencesJsonl(decided);
            audit.recordAs(actor, "review.exported", queue, "dataset " + version.datasetName() + " v"
                    + version.version() + ": " + decided.examples().size() + " example(s) (" + decided.corrected()
                    + " corrected, " + decided.accepted() + " accepted, " + decided.preferred() + " preferred), "
                    + decided.pairs().size() + " preference pair(s)");
            return new ReviewExport(version, decided.corrected(), decided.accepted(), decided.preferred(),
                    decided.rejected(), decided.pairs().size(), preferences);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The queue's preference pairs as DPO-style JSON Lines, without making a dataset version. */
    public String preferences(String queue) {
        currentUser.require(Permission.REVIEW_QUEUES_VIEW);
        ReviewQueueInfo info = info(queue);
        return preferencesJsonl(ReviewDecisions.decide(transaction.execute(status ->
                reviews.submittedReviews(info.id(), null))));
    }

    private static String preferencesJsonl(Decided decided) {
        return decided.pairs().stream().map(pair -> {
            try {
                return JSON.writeValueAsString(JSON.createObjectNode().put("prompt", pair.prompt())
                        .put("chosen", pair.chosen()).put("rejected", pair.rejected()).put("kind", pair.kind())
                        .put("item", pair.itemId()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }).collect(Collectors.joining("\n", "", decided.pairs().isEmpty() ? "" : "\n"));
    }

    // ---- helpers ----

    private String me() {
        return currentUser.username().orElseThrow(() -> new IllegalStateException("not signed in"));
    }

    private static String checkedName(String name) {
        if (name == null || !NAME.matcher(name.strip()).matches()) {
            throw new InvalidRequestException("name", "A queue name is 1 to 100 letters, digits, spaces, '.', '_'"
                    + " or '-', starting with a letter or digit.");
        }
        return name.strip();
    }

    private static int checkedReviewers(int reviewersPerItem) {
        if (reviewersPerItem < 1 || reviewersPerItem > 10) {
            throw new InvalidRequestException("reviewersPerItem", "Reviewers per item is 1 to 10.");
        }
        return reviewersPerItem;
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    private static NotFoundException unknownQueue(String name) {
        return new NotFoundException("No review queue named " + name);
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }

    static String describe(ReviewInput input) {
        List<String> parts = new ArrayList<>();
        if (input.rating() != null) {
            parts.add(input.rating() + "★");
        }
        if (input.thumbs() != null) {
            parts.add(input.thumbs() == Thumbs.UP ? "👍" : "👎");
        }
        if (input.preferred() != null) {
            parts.add("prefers " + input.preferred());
        }
        if (input.corrected() != null) {
            parts.add("corrected");
        }
        input.tags().forEach(t -> parts.add(t.id()));
        return String.join(", ", parts.isEmpty() ? Arrays.asList("—") : parts);
    }
}
