package dev.llmops.studio.feedback;

import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import java.io.IOException;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Review queues over REST: create a queue, put items in it (pairwise ones too, e.g. two model versions' answers
 * from a comparison), read its dashboard, export it as a dataset version, download the preference pairs.
 * Reviewing itself happens on the Review screen.
 */
@RestController
class ReviewApiController {

    private final ReviewService reviews;

    ReviewApiController(ReviewService reviews) {
        this.reviews = reviews;
    }

    record NewQueue(String name, String instructions, Integer reviewersPerItem) {
    }

    /** {@code reviewers} empty: everyone with the Reviewer role; {@code quota} empty: all items. */
    record NewItems(String source, List<NewReviewItem> items, List<String> reviewers, Integer quota,
            OffsetDateTime deadline) {
    }

    record ExportRequest(String dataset) {
    }

    @GetMapping("/api/v1/review-queues")
    @RequiresPermission(Permission.REVIEW_QUEUES_VIEW)
    List<ReviewQueueInfo> list() {
        return reviews.queues();
    }

    @PostMapping("/api/v1/review-queues")
    @RequiresPermission(Permission.REVIEW_QUEUES_MANAGE)
    ResponseEntity<ReviewQueueInfo> create(@RequestBody NewQueue queue) {
        ReviewQueueInfo created = reviews.createQueue(queue.name(), queue.instructions(),
                queue.reviewersPerItem() == null ? 1 : queue.reviewersPerItem());
        return ResponseEntity.created(URI.create("/api/v1/review-queues/" + created.id())).body(created);
    }

    @PostMapping("/api/v1/review-queues/{queue}/items")
    @RequiresPermission(Permission.REVIEW_QUEUES_MANAGE)
    ReviewBatchInfo addItems(@PathVariable String queue, @RequestBody NewItems items) {
        return reviews.addItems(queue, items.source() == null || items.source().isBlank() ? "REST API"
                        : items.source(), items.items() == null ? List.of() : items.items(),
                new ReviewService.Reviewers(items.reviewers() == null ? List.of() : items.reviewers()),
                items.quota(), items.deadline());
    }

    @GetMapping("/api/v1/review-queues/{queue}/dashboard")
    @RequiresPermission(Permission.REVIEW_QUEUES_VIEW)
    QueueDashboard dashboard(@PathVariable String queue) {
        return reviews.dashboard(queue);
    }

    @PostMapping("/api/v1/review-queues/{queue}/export")
    @RequiresPermission(Permission.REVIEW_QUEUES_MANAGE)
    ReviewExport export(@PathVariable String queue, @RequestBody ExportRequest request) throws IOException {
        return reviews.export(queue, request.dataset() == null || request.dataset().isBlank() ? queue + "-reviewed"
                : request.dataset());
    }

    /** Chosen/rejected pairs, one JSON object per line (DPO style). */
    @GetMapping(value = "/api/v1/review-queues/{queue}/preferences", produces = "application/x-ndjson")
    @RequiresPermission(Permission.REVIEW_QUEUES_VIEW)
    ResponseEntity<String> preferences(@PathVariable String queue) {
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/x-ndjson"))
                .body(reviews.preferences(queue));
    }
}
