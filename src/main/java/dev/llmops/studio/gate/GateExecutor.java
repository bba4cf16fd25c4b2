package dev.llmops.studio.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmops.studio.artifact.ArtifactRef;
import dev.llmops.studio.run.NodeExecutor;
import dev.llmops.studio.run.StepSettingsException;
import dev.llmops.studio.run.StepWaitsException;
import dev.llmops.studio.run.TaskContext;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The Quality gate step. Metric mode: passes the model on when the report's metric reaches the threshold, and
 * otherwise stops the run, saying by how much it missed. Manual mode: waits (without a worker) for an approver's
 * decision, then passes the model on or stops the run with the rejection and its reason. It reads the database,
 * so it runs on the server's embedded worker only.
 */
@Component
class GateExecutor implements NodeExecutor {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final GateService gates;

    GateExecutor(GateService gates) {
        this.gates = gates;
    }

    @Override
    public String nodeType() {
        return GateService.NODE_TYPE;
    }

    @Override
    public void execute(TaskContext context) throws Exception {
        Map<String, Object> params = context.params();
        JsonNode metrics = readMetrics(context);
        String mode = String.valueOf(params.getOrDefault("mode", "metric")).strip().toLowerCase(Locale.ROOT);
        if ("manual".equals(mode)) {
            decideByPerson(context, metrics);
        } else {
            decideByMetric(context, metrics);
        }
        String model = context.inputs().get("model");
        if (model == null) {
            throw new StepSettingsException("no model on the gate's input: connect the model the report is about");
        }
        context.output("model", ArtifactRef.parse(model));
        context.progress(1.0);
    }

    private static void decideByMetric(TaskContext context, JsonNode metrics) {
        String metric = String.valueOf(context.params().getOrDefault("metric", "f1")).strip();
        double threshold = Double.parseDouble(String.valueOf(context.params().getOrDefault("threshold", 0.8)));
        JsonNode value = metrics.get(metric);
        if (value == null || !value.isNumber()) {
            throw new StepSettingsException("the report has no metric “" + metric + "”"
                    + (metrics.isEmpty() ? "" : "; it has " + String.join(", ", names(metrics)))
                    + ": choose one of those, or connect a report that measures " + metric);
        }
        double measured = value.asDouble();
        String comparison = String.format(Locale.ROOT, "%s = %.4f, threshold %.4f", metric, measured, threshold);
        if (measured < threshold) {
            throw new StepSettingsException("quality gate not passed: " + comparison + " (short by "
                    + String.format(Locale.ROOT, "%.4f", threshold - measured) + "); the model is not passed on");
        }
        context.log("quality gate passed: " + comparison);
    }

    private void decideByPerson(TaskContext context, JsonNode metrics) {
        Optional<GateDecision> decision = gates.decisionOf(context.runId(), context.nodeId());
        if (decision.isEmpty()) {
            GateService.Approvers approvers = GateService.Approvers.of(context.params());
            throw new StepWaitsException("waiting for approval by " + approvers.describe()
                    + (metrics.isEmpty() ? "" : " (report: " + summary(metrics) + ")"), null);
        }
        GateDecision made = decision.get();
        String what = (made.approved() ? "approved" : "rejected") + " by " + made.decidedBy() + " at "
                + made.decidedAt() + (made.comment() == null ? "" : ": " + made.comment());
        if (!made.approved()) {
            throw new StepSettingsException("quality gate " + what);
        }
        context.log("quality gate " + what);
    }

    private static JsonNode readMetrics(TaskContext context) throws IOException {
        if (!context.inputs().containsKey("report")) {
            return JSON.createObjectNode();
        }
        JsonNode report = JSON.readTree(context.input("report").toFile());
        return report.path("metrics").isObject() ? report.path("metrics") : JSON.createObjectNode();
    }

    private static List<String> names(JsonNode metrics) {
        List<String> names = new ArrayList<>();
        metrics.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String summary(JsonNode metrics) {
        List<String> parts = new ArrayList<>();
        metrics.fields().forEachRemaining(e -> {
            if (e.getValue().isNumber()) {
                parts.add(e.getKey() + " " + (e.getValue().isIntegralNumber() ? e.getValue().asText()
                        : String.format(Locale.ROOT, "%.4f", e.getValue().asDouble())));
            }
        });
        return String.join(", ", parts);
    }

    @Override
    public int maxAttempts() {
        return 2;
    }

    @Override
    public Duration timeout() {
        return Duration.ofMinutes(2);
    }
}
