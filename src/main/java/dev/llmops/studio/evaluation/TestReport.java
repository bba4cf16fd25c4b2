package dev.llmops.studio.evaluation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** A finished test run with every case's result and the aggregates; {@link #json()} is what steps pass on. */
public record TestReport(TestRunInfo run, List<CaseResult> results, PromptTestMetrics metrics) {

    /** The report's format name; readers (Quality gate, Human review) check it. */
    public static final String FORMAT = "studio.prompt-test.v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The report as the Prompt test step's {@code report} output (docs/metrics.md): format, test run id, suite,
     * target, metrics by name, and the cases.
     */
    public String json() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("testRunId", run.id());
        root.put("suite", run.suiteName());
        ObjectNode target = root.putObject("target");
        target.put("kind", run.target().kind().name());
        target.put("name", run.target().name());
        if (run.model() != null) {
            target.put("model", run.model().name());
            target.put("version", run.model().version());
        }
        ObjectNode named = root.putObject("metrics");
        metrics.named().forEach((name, value) -> {
            if (name.equals("cases") || name.equals("passed")) {
                named.put(name, value.intValue());
            } else {
                named.put(name, value);
            }
        });
        ArrayNode cases = root.putArray("cases");
        for (CaseResult result : results) {
            ObjectNode c = cases.addObject();
            c.put("prompt", result.prompt());
            c.put("expected", result.expected());
            c.put("assertion", result.assertion().name());
            c.put("output", result.output());
            c.put("passed", result.passed());
            c.put("score", result.score());
            c.put("reason", result.reason());
            c.put("label", result.label());
            c.put("predictedLabel", result.predictedLabel());
            c.put("group", result.group());
            c.put("latencyMs", Math.round(result.latencyMs() * 10) / 10.0);
            c.put("promptTokens", result.promptTokens());
            c.put("completionTokens", result.completionTokens());
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
