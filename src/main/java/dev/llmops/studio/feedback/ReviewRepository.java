package dev.llmops.studio.feedback;

import static dev.llmops.studio.db.Tables.REVIEW_ASSIGNMENT;
import static dev.llmops.studio.db.Tables.REVIEW_BATCH;
import static dev.llmops.studio.db.Tables.REVIEW_ITEM;
import static dev.llmops.studio.db.Tables.REVIEW_QUEUE;
import static dev.llmops.studio.db.Tables.REVIEW_WORKLOAD;

import dev.llmops.studio.db.tables.records.ReviewAssignmentRecord;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;

@Repository
class ReviewRepository {

    private static final String OPEN = "OPEN";
    private static final String SUBMITTED = "SUBMITTED";
    private static final int INSERT_CHUNK = 1000;
    /** Items read at a time while looking for a reviewer's next open one. */
    private static final int SEARCH_WINDOW = 32;

    private final DSLContext db;

    ReviewRepository(DSLContext db) {
        this.db = db;
    }

    record QueueRow(long id, String name, String instructions, int reviewersPerItem, String createdBy,
            OffsetDateTime createdAt) {
    }

    record NewAssignment(long itemId, String reviewer, boolean bFirst) {
    }

    /** A submitted review with its item, for dashboards and exports. */
    /** An assignment with its item and queue, as the reviewer works on it; {@code seq} numbers it for them. */
    record AssignmentRow(long id, int seq, long itemId, long queueId, String queue, String instructions, String prompt,
            String context, String response, String responseB, String reference, boolean bFirst, ReviewInput input,
            boolean submitted, OffsetDateTime savedAt) {
    }

    record SubmittedReview(long itemId, String prompt, String response, String responseB, String reviewer,
            ReviewInput input, OffsetDateTime submittedAt) {
    }

    Optional<QueueRow> queue(String name) {
        return db.selectFrom(REVIEW_QUEUE).where(REVIEW_QUEUE.NAME.eq(name)).fetchOptional(r -> new QueueRow(
                r.getId(), r.getName(), r.getInstructions(), r.getReviewersPerItem(), r.getCreatedBy(),
                r.getCreatedAt()));
    }

    long insertQueue(String name, String instructions, int reviewersPerItem, String actor, OffsetDateTime now) {
        return db.insertInto(REVIEW_QUEUE, REVIEW_QUEUE.NAME, REVIEW_QUEUE.INSTRUCTIONS,
                        REVIEW_QUEUE.REVIEWERS_PER_ITEM, REVIEW_QUEUE.CREATED_BY, REVIEW_QUEUE.CREATED_AT)
                .values(name, instructions, reviewersPerItem, actor, now)
                .returningResult(REVIEW_QUEUE.ID).fetchOne().value1();
    }

    void updateQueue(long queueId, String instructions) {
        db.update(REVIEW_QUEUE).set(REVIEW_QUEUE.INSTRUCTIONS, instructions).where(REVIEW_QUEUE.ID.eq(queueId))
                .execute();
    }

    /** Every queue with its counts, read from the kept counters (no row counting). */
    List<ReviewQueueInfo> queues() {
        return queues(DSL.noCondition());
    }

    Optional<ReviewQueueInfo> queueInfo(String name) {
        return queues(REVIEW_QUEUE.NAME.eq(name)).stream().findFirst();
    }

    private List<ReviewQueueInfo> queues(Condition which) {
        var items = DSL.select(REVIEW_BATCH.QUEUE_ID, DSL.sum(REVIEW_BATCH.ITEMS).as("items"),
                        DSL.sum(REVIEW_BATCH.COMPLETED_ITEMS).as("completed"))
                .from(REVIEW_BATCH).groupBy(REVIEW_BATCH.QUEUE_ID).asTable("items");
        var reviews = DSL.select(REVIEW_WORKLOAD.QUEUE_ID, DSL.sum(REVIEW_WORKLOAD.ASSIGNED).as("assigned"),
                        DSL.sum(REVIEW_WORKLOAD.SUBMITTED).as("submitted"))
                .from(REVIEW_WORKLOAD).groupBy(REVIEW_WORKLOAD.QUEUE_ID).asTable("reviews");
        return db.select(REVIEW_QUEUE.asterisk(), items.field("items"), items.field("completed"),
                        reviews.field("assigned"), reviews.field("submitted"))
                .from(REVIEW_QUEUE)
                .leftJoin(items).on(items.field(REVIEW_BATCH.QUEUE_ID).eq(REVIEW_QUEUE.ID))
                .leftJoin(reviews).on(reviews.field(REVIEW_WORKLOAD.QUEUE_ID).eq(REVIEW_QUEUE.ID))
                .where(which)
                .orderBy(REVIEW_QUEUE.NAME)
                .fetch(r -> new ReviewQueueInfo(r.get(REVIEW_QUEUE.ID), r.get(REVIEW_QUEUE.NAME),
                        r.get(REVIEW_QUEUE.INSTRUCTIONS), r.get(REVIEW_QUEUE.REVIEWERS_PER_ITEM),
                        r.get(REVIEW_QUEUE.CREATED_BY), r.get(REVIEW_QUEUE.CREATED_AT), count(r, "items"),
                        count(r, "completed"), count(r, "submitted"), count(r, "assigned")));
    }

    private static long count(Record r, String field) {
        Object value = r.get(field);
        return value == null ? 0 : ((Number) value).longValue();
    }

    Optional<ReviewBatchInfo> batchOfStep(long runId, String nodeId) {
        return batch(REVIEW_BATCH.RUN_ID.eq(runId).and(REVIEW_BATCH.NODE_ID.eq(nodeId)));
    }

    Optional<ReviewBatchInfo> batch(long batchId) {
        return batch(REVIEW_BATCH.ID.eq(batchId));
    }

    private Optional<ReviewBatchInfo> batch(Condition condition) {
        return db.select(REVIEW_BATCH.asterisk(), REVIEW_QUEUE.NAME).from(REVIEW_BATCH)
                .join(REVIEW_QUEUE).on(REVIEW_QUEUE.ID.eq(REVIEW_BATCH.QUEUE_ID))
                .where(condition).fetchOptional(r -> new ReviewBatchInfo(r.get(REVIEW_BATCH.ID),
                        r.get(REVIEW_BATCH.QUEUE_ID), r.get(REVIEW_QUEUE.NAME), r.get(REVIEW_BATCH.SOURCE),
                        r.get(REVIEW_BATCH.RUN_ID), r.get(REVIEW_BATCH.NODE_ID), r.get(REVIEW_BATCH.QUOTA),
                        r.get(REVIEW_BATCH.DEADLINE), r.get(REVIEW_BATCH.ITEMS), r.get(REVIEW_BATCH.COMPLETED_ITEMS),
                        r.get(REVIEW_BATCH.CREATED_BY), r.get(REVIEW_BATCH.CREATED_AT)));
    }

    /** Locks the queue's row, so batches added to one queue number their reviewers' items one after another. */
    void lockQueue(long queueId) {
        db.select(REVIEW_QUEUE.ID).from(REVIEW_QUEUE).where(REVIEW_QUEUE.ID.eq(queueId)).forUpdate().fetch();
    }

    long insertBatch(long queueId, String source, Long runId, String nodeId, int quota, int items,
            OffsetDateTime deadline, String actor, OffsetDateTime now) {
        return db.insertInto(REVIEW_BATCH, REVIEW_BATCH.QUEUE_ID, REVIEW_BATCH.SOURCE, REVIEW_BATCH.RUN_ID,
                        REVIEW_BATCH.NODE_ID, REVIEW_BATCH.QUOTA, REVIEW_BATCH.ITEMS, REVIEW_BATCH.COMPLETED_ITEMS,
                        REVIEW_BATCH.DEADLINE, REVIEW_BATCH.CREATED_BY, REVIEW_BATCH.CREATED_AT)
                .values(queueId, source, runId, nodeId, quota, items, 0, deadline, actor, now)
                .returningResult(REVIEW_BATCH.ID).fetchOne().value1();
    }

    /** Inserts the items in order and returns their ids in the same order. */
    List<Long> insertItems(long queueId, long batchId, List<NewReviewItem> items, int requiredReviews,
            OffsetDateTime now) {
        List<Long> ids = new ArrayList<>(items.size());
        for (int from = 0; from < items.size(); from += INSERT_CHUNK) {
            var insert = db.insertInto(REVIEW_ITEM, REVIEW_ITEM.QUEUE_ID, REVIEW_ITEM.BATCH_ID, REVIEW_ITEM.PROMPT,
                    REVIEW_ITEM.CONTEXT, REVIEW_ITEM.RESPONSE, REVIEW_ITEM.RESPONSE_MODEL, REVIEW_ITEM.RESPONSE_B,
                    REVIEW_ITEM.RESPONSE_B_MODEL, REVIEW_ITEM.REFERENCE, REVIEW_ITEM.REQUIRED_REVIEWS,
                    REVIEW_ITEM.SUBMITTED_REVIEWS, REVIEW_ITEM.CREATED_AT);
            for (NewReviewItem item : items.subList(from, Math.min(items.size(), from + INSERT_CHUNK))) {
                insert = insert.values(queueId, batchId, item.prompt(), item.context(), item.response(),
                        item.responseModel(), item.responseB(), item.responseBModel(), item.reference(),
                        requiredReviews, 0, now);
            }
            insert.returningResult(REVIEW_ITEM.ID).fetch().forEach(r -> ids.add(r.value1()));
        }
        ids.sort(Long::compare);
        return ids;
    }

    /** Open assignments per reviewer in a queue: the load that new work is balanced against. */
    Map<String, Integer> openLoad(long queueId) {
        Map<String, Integer> load = new HashMap<>();
        db.select(REVIEW_WORKLOAD.REVIEWER, REVIEW_WORKLOAD.ASSIGNED.minus(REVIEW_WORKLOAD.SUBMITTED))
                .from(REVIEW_WORKLOAD).where(REVIEW_WORKLOAD.QUEUE_ID.eq(queueId))
                .forEach(r -> load.put(r.value1(), r.value2()));
        return load;
    }

    /**
     * Inserts the assignments, numbering each reviewer's items on from their last one, and adds them to the
     * reviewers' counts. The caller holds the queue's lock.
     */
    void insertAssignments(long queueId, List<NewAssignment> assignments, OffsetDateTime now) {
        Map<String, Integer> assigned = new HashMap<>();
        db.select(REVIEW_WORKLOAD.REVIEWER, REVIEW_WORKLOAD.ASSIGNED).from(REVIEW_WORKLOAD)
                .where(REVIEW_WORKLOAD.QUEUE_ID.eq(queueId)).forEach(r -> assigned.put(r.value1(), r.value2()));
        Map<String, Integer> before = new HashMap<>(assigned);
        for (int from = 0; from < assignments.size(); from += INSERT_CHUNK) {
            var insert = db.insertInto(REVIEW_ASSIGNMENT, REVIEW_ASSIGNMENT.ITEM_ID, REVIEW_ASSIGNMENT.QUEUE_ID,
                    REVIEW_ASSIGNMENT.REVIEWER, REVIEW_ASSIGNMENT.SEQ, REVIEW_ASSIGNMENT.STATUS,
                    REVIEW_ASSIGNMENT.B_FIRST, REVIEW_ASSIGNMENT.ASSIGNED_AT);
            for (NewAssignment a : assignments.subList(from, Math.min(assignments.size(), from + INSERT_CHUNK))) {
                int seq = assigned.merge(a.reviewer(), 1, Integer::sum);
                insert = insert.values(a.itemId(), queueId, a.reviewer(), seq, OPEN, a.bFirst(), now);
            }
            insert.execute();
        }
        assigned.forEach((reviewer, total) -> {
            if (before.containsKey(reviewer)) {
                db.update(REVIEW_WORKLOAD).set(REVIEW_WORKLOAD.ASSIGNED, total)
                        .where(REVIEW_WORKLOAD.QUEUE_ID.eq(queueId)).and(REVIEW_WORKLOAD.REVIEWER.eq(reviewer))
                        .execute();
            } else {
                db.insertInto(REVIEW_WORKLOAD, REVIEW_WORKLOAD.QUEUE_ID, REVIEW_WORKLOAD.REVIEWER,
                        REVIEW_WORKLOAD.ASSIGNED, REVIEW_WORKLOAD.SUBMITTED, REVIEW_WORKLOAD.FIRST_OPEN_SEQ)
                        .values(queueId, reviewer, total, 0, 1).execute();
            }
        });
    }

    /**
     * The reviewer's first item not yet submitted, in their order. The search starts at the kept lower bound and
     * reads the (queue, reviewer, seq) index a window at a time, picking the first open item in Java: a filter on
     * the status in SQL would let the database choose the status index and sort every open item instead. It
     * touches only the items submitted since the bound last moved, however long the queue; the bound then moves up
     * to what was found.
     */
    Optional<Long> firstOpen(long queueId, String reviewer) {
        var workload = db.select(REVIEW_WORKLOAD.FIRST_OPEN_SEQ, REVIEW_WORKLOAD.ASSIGNED).from(REVIEW_WORKLOAD)
                .where(REVIEW_WORKLOAD.QUEUE_ID.eq(queueId)).and(REVIEW_WORKLOAD.REVIEWER.eq(reviewer))
                .fetchOptional();
        if (workload.isEmpty()) {
            return Optional.empty();
        }
        int from = workload.get().value1();
        int last = workload.get().value2();
        Long found = null;
        int bound = last + 1;
        for (int window = from; window <= last && found == null; window += SEARCH_WINDOW) {
            for (var row : db.select(REVIEW_ASSIGNMENT.ID, REVIEW_ASSIGNMENT.SEQ, REVIEW_ASSIGNMENT.STATUS)
                    .from(REVIEW_ASSIGNMENT)
                    .where(REVIEW_ASSIGNMENT.QUEUE_ID.eq(queueId)).and(REVIEW_ASSIGNMENT.REVIEWER.eq(reviewer))
                    .and(REVIEW_ASSIGNMENT.SEQ.between(window, window + SEARCH_WINDOW - 1))
                    .orderBy(REVIEW_ASSIGNMENT.SEQ).fetch()) {
                if (OPEN.equals(row.value3())) {
                    found = row.value1();
                    bound = row.value2();
                    break;
                }
            }
        }
        if (bound > from) {
            db.update(REVIEW_WORKLOAD).set(REVIEW_WORKLOAD.FIRST_OPEN_SEQ, bound)
                    .where(REVIEW_WORKLOAD.QUEUE_ID.eq(queueId)).and(REVIEW_WORKLOAD.REVIEWER.eq(reviewer))
                    .and(REVIEW_WORKLOAD.FIRST_OPEN_SEQ.lt(bound)).execute();
        }
        return Optional.ofNullable(found);
    }

    /** The reviewer's assignment numbered {@code seq} in the queue (1 is their first). */
    Optional<Long> numbered(long queueId, String reviewer, int seq) {
        return db.select(REVIEW_ASSIGNMENT.ID).from(REVIEW_ASSIGNMENT)
                .where(REVIEW_ASSIGNMENT.QUEUE_ID.eq(queueId)).and(REVIEW_ASSIGNMENT.REVIEWER.eq(reviewer))
                .and(REVIEW_ASSIGNMENT.SEQ.eq(seq))
                .fetchOptional(REVIEW_ASSIGNMENT.ID);
    }

    /** The reviewer's own assignment with its item; empty for anyone else's. */
    Optional<AssignmentRow> assignment(long assignmentId, String reviewer) {
        return db.select(REVIEW_ASSIGNMENT.asterisk(), REVIEW_ITEM.PROMPT, REVIEW_ITEM.CONTEXT, REVIEW_ITEM.RESPONSE,
                        REVIEW_ITEM.RESPONSE_B, REVIEW_ITEM.REFERENCE, REVIEW_QUEUE.NAME, REVIEW_QUEUE.INSTRUCTIONS)
                .from(REVIEW_ASSIGNMENT)
                .join(REVIEW_ITEM).on(REVIEW_ITEM.ID.eq(REVIEW_ASSIGNMENT.ITEM_ID))
                .join(REVIEW_QUEUE).on(REVIEW_QUEUE.ID.eq(REVIEW_ASSIGNMENT.QUEUE_ID))
                .where(REVIEW_ASSIGNMENT.ID.eq(assignmentId)).and(REVIEW_ASSIGNMENT.REVIEWER.eq(reviewer))
                .fetchOptional(r -> new AssignmentRow(r.get(REVIEW_ASSIGNMENT.ID), r.get(REVIEW_ASSIGNMENT.SEQ),
                        r.get(REVIEW_ASSIGNMENT.ITEM_ID), r.get(REVIEW_ASSIGNMENT.QUEUE_ID), r.get(REVIEW_QUEUE.NAME),
                        r.get(REVIEW_QUEUE.INSTRUCTIONS), r.get(REVIEW_ITEM.PROMPT), r.get(REVIEW_ITEM.CONTEXT),
                        r.get(REVIEW_ITEM.RESPONSE), r.get(REVIEW_ITEM.RESPONSE_B), r.get(REVIEW_ITEM.REFERENCE),
                        r.get(REVIEW_ASSIGNMENT.B_FIRST), input(r), SUBMITTED.equals(r.get(REVIEW_ASSIGNMENT.STATUS)),
                        r.get(REVIEW_ASSIGNMENT.SAVED_AT)));
    }

    ReviewerProgress progress(long queueId, String reviewer) {
        return db.select(REVIEW_WORKLOAD.ASSIGNED, REVIEW_WORKLOAD.SUBMITTED).from(REVIEW_WORKLOAD)
                .where(REVIEW_WORKLOAD.QUEUE_ID.eq(queueId)).and(REVIEW_WORKLOAD.REVIEWER.eq(reviewer))
                .fetchOptional(r -> new ReviewerProgress(reviewer, r.value2(), r.value1()))
                .orElse(new ReviewerProgress(reviewer, 0, 0));
    }

    List<ReviewerProgress> progressPerReviewer(long queueId) {
        return db.selectFrom(REVIEW_WORKLOAD).where(REVIEW_WORKLOAD.QUEUE_ID.eq(queueId))
                .orderBy(REVIEW_WORKLOAD.REVIEWER)
                .fetch(r -> new ReviewerProgress(r.getReviewer(), r.getSubmitted(), r.getAssigned()));
    }

    /** Queues in which the reviewer has assignments, with their progress there. */
    Map<Long, ReviewerProgress> progressOf(String reviewer) {
        Map<Long, ReviewerProgress> byQueue = new HashMap<>();
        db.selectFrom(REVIEW_WORKLOAD).where(REVIEW_WORKLOAD.REVIEWER.eq(reviewer))
                .forEach(r -> byQueue.put(r.getQueueId(), new ReviewerProgress(reviewer, r.getSubmitted(),
                        r.getAssigned())));
        return byQueue;
    }

    /** Saves the reviewer's input on their assignment; submitted ones stay submitted. */
    boolean save(long assignmentId, String reviewer, ReviewInput input, OffsetDateTime now) {
        return db.update(REVIEW_ASSIGNMENT)
                .set(REVIEW_ASSIGNMENT.RATING, input.rating())
                .set(REVIEW_ASSIGNMENT.THUMBS, input.thumbs() == null ? null : input.thumbs().name())
                .set(REVIEW_ASSIGNMENT.PREFERRED, input.preferred() == null ? null : input.preferred().name())
                .set(REVIEW_ASSIGNMENT.CORRECTED, input.corrected())
                .set(REVIEW_ASSIGNMENT.TAGS, ReviewTag.format(input.tags()))
                .set(REVIEW_ASSIGNMENT.REVIEW_COMMENT, input.comment())
                .set(REVIEW_ASSIGNMENT.SAVED_AT, now)
                .where(REVIEW_ASSIGNMENT.ID.eq(assignmentId)).and(REVIEW_ASSIGNMENT.REVIEWER.eq(reviewer))
                .execute() == 1;
    }

    /**
     * Marks an open assignment submitted and counts it for the reviewer; false when it was submitted before (an
     * edit of a submitted review).
     */
    boolean markSubmitted(long assignmentId, long queueId, String reviewer, OffsetDateTime now) {
        boolean first = db.update(REVIEW_ASSIGNMENT)
                .set(REVIEW_ASSIGNMENT.STATUS, SUBMITTED)
                .set(REVIEW_ASSIGNMENT.SUBMITTED_AT, now)
                .where(REVIEW_ASSIGNMENT.ID.eq(assignmentId)).and(REVIEW_ASSIGNMENT.REVIEWER.eq(reviewer))
                .and(REVIEW_ASSIGNMENT.STATUS.eq(OPEN))
                .execute() == 1;
        if (first) {
            db.update(REVIEW_WORKLOAD).set(REVIEW_WORKLOAD.SUBMITTED, REVIEW_WORKLOAD.SUBMITTED.plus(1))
                    .where(REVIEW_WORKLOAD.QUEUE_ID.eq(queueId)).and(REVIEW_WORKLOAD.REVIEWER.eq(reviewer))
                    .execute();
        }
        return first;
    }

    /** Counts a submitted review on its item, and the item on its batch once it has all its reviews; the batch. */
    long countSubmitted(long itemId) {
        db.update(REVIEW_ITEM).set(REVIEW_ITEM.SUBMITTED_REVIEWS, REVIEW_ITEM.SUBMITTED_REVIEWS.plus(1))
                .where(REVIEW_ITEM.ID.eq(itemId)).execute();
        var item = db.select(REVIEW_ITEM.BATCH_ID, REVIEW_ITEM.SUBMITTED_REVIEWS, REVIEW_ITEM.REQUIRED_REVIEWS)
                .from(REVIEW_ITEM).where(REVIEW_ITEM.ID.eq(itemId)).fetchOne();
        if (item.value2().equals(item.value3())) {
            db.update(REVIEW_BATCH).set(REVIEW_BATCH.COMPLETED_ITEMS, REVIEW_BATCH.COMPLETED_ITEMS.plus(1))
                    .where(REVIEW_BATCH.ID.eq(item.value1())).execute();
        }
        return item.value1();
    }

    /** Submitted pairwise choices of the answer shown on the left: A shown first, or B shown first. */
    long leftChoices(long queueId) {
        return db.selectCount().from(REVIEW_ASSIGNMENT)
                .where(REVIEW_ASSIGNMENT.QUEUE_ID.eq(queueId)).and(REVIEW_ASSIGNMENT.STATUS.eq(SUBMITTED))
                .and(REVIEW_ASSIGNMENT.PREFERRED.eq("A").and(REVIEW_ASSIGNMENT.B_FIRST.isFalse())
                        .or(REVIEW_ASSIGNMENT.PREFERRED.eq("B").and(REVIEW_ASSIGNMENT.B_FIRST.isTrue())))
                .fetchOne().value1();
    }

    /** Submitted reviews of a queue (of one batch when given), by item. */
    List<SubmittedReview> submittedReviews(long queueId, Long batchId) {
        Condition condition = REVIEW_ASSIGNMENT.QUEUE_ID.eq(queueId).and(REVIEW_ASSIGNMENT.STATUS.eq(SUBMITTED));
        if (batchId != null) {
            condition = condition.and(REVIEW_ITEM.BATCH_ID.eq(batchId));
        }
        return db.select(REVIEW_ASSIGNMENT.asterisk(), REVIEW_ITEM.PROMPT, REVIEW_ITEM.RESPONSE,
                        REVIEW_ITEM.RESPONSE_B)
                .from(REVIEW_ASSIGNMENT).join(REVIEW_ITEM).on(REVIEW_ITEM.ID.eq(REVIEW_ASSIGNMENT.ITEM_ID))
                .where(condition).orderBy(REVIEW_ASSIGNMENT.ITEM_ID, REVIEW_ASSIGNMENT.SUBMITTED_AT)
                .fetch(r -> new SubmittedReview(r.get(REVIEW_ASSIGNMENT.ITEM_ID), r.get(REVIEW_ITEM.PROMPT),
                        r.get(REVIEW_ITEM.RESPONSE), r.get(REVIEW_ITEM.RESPONSE_B), r.get(REVIEW_ASSIGNMENT.REVIEWER),
                        input(r), r.get(REVIEW_ASSIGNMENT.SUBMITTED_AT)));
    }

    private static ReviewInput input(Record r) {
        ReviewAssignmentRecord a = r.into(REVIEW_ASSIGNMENT);
        return new ReviewInput(a.getRating(), a.getThumbs() == null ? null : Thumbs.valueOf(a.getThumbs()),
                a.getPreferred() == null ? null : Preference.valueOf(a.getPreferred()), a.getCorrected(),
                ReviewTag.parse(a.getTags()), a.getReviewComment());
    }
}
