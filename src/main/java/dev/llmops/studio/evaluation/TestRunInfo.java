package dev.llmops.studio.evaluation;

import java.time.OffsetDateTime;
import java.util.Map;

/**
 * One prompt test run: the suite (by name, as it was), the target, how it went, and its metrics as the report
 * names them ({@code pass_rate}, {@code accuracy}, {@code f1}, …; empty while running). {@code model} is the
 * model version that answered, when known (always for a model target; for an endpoint, the version it served as
 * the test started). A run started by a pipeline step carries the run and step ids.
 */
public record TestRunInfo(long id, String suiteName, TestTarget target, ModelUnderTest model, TestRunStatus status,
                          int cases, int passed,
                          Map<String, Double> metrics, String message, RunOptions options, Long runId, String nodeId,
                          String createdBy, OffsetDateTime createdAt, OffsetDateTime finishedAt) {

    public double passRate() {
        return cases == 0 ? 0 : passed / (double) cases;
    }
}
