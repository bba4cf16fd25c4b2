package dev.llmops.studio.feedback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmops.studio.dataset.DatasetService;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.platform.NotFoundException;
import dev.llmops.studio.run.NodeExecutor;
import dev.llmops.studio.run.RunService;
import dev.llmops.studio.run.StepSettingsException;
import dev.llmops.studio.run.StepWaitsException;
import dev.llmops.studio.run.TaskContext;
import dev.llmops.studio.security.UserDirectory;
import dev.llmops.studio.serving.EndpointService;
import dev.llmops.studio.serving.ServedExchange;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The Human review step. First run: puts the answers of the report on its input (a Prompt test's cases, or an
 * Evaluate step's generated samples) and/or a random sample of an endpoint's logged traffic in the review queue as
 * one batch, assigned across the reviewers, and waits —
 * the task parks, freeing its worker. It is woken when the batch reaches its quota (or at its deadline) and then
 * exports the reviews: the corrected and accepted answers as a new dataset version on the "dataset" output (for a
 * Fine-tune step to learn from) and the preference pairs as DPO-style JSON Lines on the "feedback" output. It reads
 * the database, so it runs on the server's embedded worker only.
 */
@Component
class HumanReviewExecutor implements NodeExecutor {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEFAULT_MAX_ITEMS = 200;
    private static final int DEFAULT_TRAFFIC_SAMPLE = 50;

    private final ReviewService reviews;
    private final EndpointService endpoints;
    private final ObjectProvider<RunService> runs;
    private final Clock clock;

    HumanReviewExecutor(ReviewService reviews, EndpointService endpoints, ObjectProvider<RunService> runs,
            Clock clock) {
        this.reviews = reviews;
        this.endpoints = endpoints;
        this.runs = runs;
        this.clock = clock;
    }

    @Override
    public String nodeType() {
        return "human-review";
    }

    @Override
    public void execute(TaskContext context) throws Exception {
        String queue = String.valueOf(context.params().getOrDefault("queue", "")).strip();
        String actor = runs.getObject().startedBy(context.runId());
        ReviewBatchInfo batch = reviews.batchOfStep(context.runId(), context.nodeId())
                .orElseGet(() -> createBatch(context, queue, actor));
        boolean pastDeadline = batch.deadline() != null && !OffsetDateTime.now(clock).isBefore(batch.deadline());
        context.progress(Math.min(1.0, (double) batch.completedItems() / batch.quota()));
        if (!batch.quotaReached() && !pastDeadline) {
            throw new StepWaitsException("waiting for reviews in queue “" + batch.queue() + "”: "
                    + batch.completedItems() + " of " + batch.items() + " item(s) fully reviewed, "
                    + batch.quota() + " needed" + (batch.deadline() == null ? "" : ", until " + batch.deadline()),
                    batch.deadline() == null ? null : batch.deadline().toInstant());
        }
        context.log((batch.quotaReached() ? "reviews complete: " : "deadline reached: ") + batch.completedItems()
                + " of " + batch.items() + " item(s) fully reviewed");
        String dataset = String.valueOf(context.params().getOrDefault("exportDataset", "")).strip();
        ReviewExport export;
        try {
            export = reviews.exportBatch(actor, batch, dataset.isEmpty() ? batch.queue() + "-reviewed" : dataset);
        } catch (InvalidRequestException e) {
            throw new StepSettingsException(e.getMessage());
        }
        context.log("exported to dataset “" + export.dataset().datasetName() + "” version "
                + export.dataset().version() + ": " + export.examples() + " example(s) (" + export.corrected()
                + " corrected, " + export.accepted() + " accepted, " + export.preferred() + " preferred; "
                + export.rejected() + " rejected left out), " + export.preferencePairs() + " preference pair(s)");
        context.output("dataset", DatasetService.content(export.dataset()));
        context.output("feedback", new ByteArrayInputStream(export.preferencesJsonl()
                .getBytes(StandardCharsets.UTF_8)));
        context.progress(1.0);
    }

    private ReviewBatchInfo createBatch(TaskContext context, String queue, String actor) {
        int max = context.intParam("maxItems", DEFAULT_MAX_ITEMS);
        List<NewReviewItem> items = new ArrayList<>();
        if (context.inputs().containsKey("report")) {
            try {
                items.addAll(itemsOf(JSON.readTree(context.input("report").toFile()), max));
            } catch (IOException e) {
                throw new StepSettingsException("the report on the input is not readable JSON: " + e.getMessage());
            }
        }
        String traffic = stringParam(context, "trafficEndpoint").strip();
        if (!traffic.isEmpty() && items.size() < max) {
            int sample = Math.min(max - items.size(), context.intParam("trafficSample", DEFAULT_TRAFFIC_SAMPLE));
            List<ServedExchange> served;
            try {
                served = endpoints.sampleExchanges(traffic, sample, new Random());
            } catch (NotFoundException e) {
                throw new StepSettingsException("no endpoint named “" + traffic + "” to sample traffic from");
            }
            served.forEach(exchange -> items.add(NewReviewItem.single(userPrompt(exchange.prompt()),
                    "Live traffic of " + traffic + " at " + exchange.at(), exchange.response(), exchange.model())));
            context.log("sampled " + served.size() + " answered request(s) from the request log of endpoint "
                    + traffic);
        }
        if (items.isEmpty()) {
            throw new StepSettingsException("nothing to review: connect a Prompt test (or an Evaluate step with"
                    + " generated samples) to the report input, or name an endpoint whose logged traffic to sample"
                    + (traffic.isEmpty() ? "" : " (endpoint " + traffic + " has no logged answers yet)"));
        }
        int quota = context.intParam("quota", 0);
        int deadlineHours = context.intParam("deadlineHours", 0);
        OffsetDateTime deadline = deadlineHours <= 0 ? null : OffsetDateTime.now(clock).plusHours(deadlineHours);
        Object instructions = context.params().get("instructions");
        try {
            ReviewBatchInfo batch = reviews.addStepBatch(actor, queue, instructions == null ? null
                            : instructions.toString(), context.intParam("reviewersPerItem", 1), context.runId(),
                    context.nodeId(), "run " + context.runId() + " step “" + context.nodeId() + "”", items,
                    new ReviewService.Reviewers(UserDirectory.parseNames(stringParam(context, "reviewers"))),
                    quota <= 0 ? null : quota, deadline);
            context.log(batch.items() + " item(s) put in review queue “" + queue + "”; " + batch.quota()
                    + " must be fully reviewed" + (deadline == null ? "" : " by " + deadline));
            return batch;
        } catch (InvalidRequestException e) {
            throw new StepSettingsException(e.getMessage());
        }
    }

    /** A logged chat of one user message reads as that message; anything longer keeps its role lines. */
    private static String userPrompt(String logged) {
        String prefix = "user: ";
        return logged.startsWith(prefix) && logged.indexOf('\n') < 0 ? logged.substring(prefix.length()) : logged;
    }

    private static String stringParam(TaskContext context, String name) {
        Object value = context.params().get(name);
        return value == null ? "" : value.toString();
    }

    /** A Prompt test's cases (output, with why it passed or failed) or an Evaluate step's samples. */
    static List<NewReviewItem> itemsOf(JsonNode report, int max) {
        List<NewReviewItem> items = new ArrayList<>();
        String model = report.path("target").path("model").asText(null);
        if (model != null && report.path("target").has("version")) {
            model = model + " v" + report.path("target").path("version").asInt();
        }
        for (JsonNode c : report.path("cases")) {
            if (items.size() == max) {
                break;
            }
            String prompt = c.path("prompt").asText("");
            String output = c.path("output").asText("");
            if (prompt.isBlank()) {
                continue;
            }
            List<String> context = new ArrayList<>();
            if (c.hasNonNull("expected") && !c.path("expected").asText().isBlank()) {
                context.add("Expected (" + c.path("assertion").asText("").toLowerCase(Locale.ROOT) + "): "
                        + c.path("expected").asText());
            }
            if (c.has("passed") && c.hasNonNull("assertion") && !"NONE".equals(c.path("assertion").asText())) {
                context.add("Test " + (c.path("passed").asBoolean() ? "passed" : "failed")
                        + (c.hasNonNull("reason") ? ": " + c.path("reason").asText() : ""));
            }
            items.add(NewReviewItem.single(prompt, context.isEmpty() ? null : String.join("\n", context), output,
                    model));
        }
        for (JsonNode s : report.path("samples")) {
            if (items.size() == max) {
                break;
            }
            items.add(new NewReviewItem(s.path("prompt").asText(""), null, s.path("generated").asText(""), model,
                    null, null, s.path("reference").asText(null)));
        }
        return items;
    }

    @Override
    public int maxAttempts() {
        return 3;
    }

    @Override
    public Duration timeout() {
        return Duration.ofMinutes(10);
    }
}
