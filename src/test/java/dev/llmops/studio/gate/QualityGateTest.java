package dev.llmops.studio.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.studio.pipeline.GraphEdge;
import dev.llmops.studio.pipeline.GraphNode;
import dev.llmops.studio.pipeline.PipelineGraph;
import dev.llmops.studio.pipeline.PipelineService;
import dev.llmops.studio.run.RunDetail;
import dev.llmops.studio.run.RunService;
import dev.llmops.studio.run.RunStatus;
import dev.llmops.studio.run.RunTrigger;
import dev.llmops.studio.run.TaskInfo;
import dev.llmops.studio.run.TaskStatus;
import dev.llmops.studio.security.AuditLog;
import dev.llmops.studio.security.AuditQuery;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.RunWait;
import dev.llmops.studio.support.ScriptedExecutors;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.support.Users;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.test.context.TestPropertySource;

/**
 * The Quality gate step: in metric mode it stops a run whose report misses the threshold and lets a good one
 * through; in manual mode the run waits on it (no worker held) until an approver decides, and only the role set on
 * the step may decide. Decisions are audited and shown on the run.
 */
@H2Test
@TestPropertySource(properties = ScriptedExecutors.QUALITY_STEPS)
class QualityGateTest {

    private static final Duration LIMIT = Duration.ofMinutes(2);

    @Autowired
    PipelineService pipelines;
    @Autowired
    RunService runs;
    @Autowired
    GateService gates;
    @Autowired
    AuditLog audit;
    @Autowired
    Users users;

    @Test
    void aMetricBelowTheThresholdStopsTheRunAndOneAboveLetsTheModelThrough() throws Exception {
        String expert = users.create("gate-expert", Role.DOMAIN_EXPERT);
        RunDetail missed = RunWait.finished(runs, expert, Role.DOMAIN_EXPERT,
                start(expert, gated("low", 0.62, Map.of("mode", "metric", "metric", "f1", "threshold", 0.8))), LIMIT);
        assertThat(missed.summary().status()).isEqualTo(RunStatus.FAILED);
        assertThat(task(missed, "gate").status()).isEqualTo(TaskStatus.FAILED);
        assertThat(task(missed, "gate").message()).contains("quality gate not passed: f1 = 0.6200, threshold 0.8000"
                + " (short by 0.1800)");
        assertThat(missed.summary().message()).contains("Quality gate").contains("f1 = 0.6200");

        RunDetail passed = RunWait.finished(runs, expert, Role.DOMAIN_EXPERT,
                start(expert, gated("high", 0.91, Map.of("mode", "metric", "metric", "f1", "threshold", 0.8))), LIMIT);
        assertThat(passed.summary().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(task(passed, "gate").outputs().get("model")).isEqualTo(task(passed, "model-high").outputs()
                .get("model"));
    }

    @Test
    void aManualGateWaitsForAnApproverAndResumesWhenApproved() throws Exception {
        String expert = users.create("gate-starter", Role.DOMAIN_EXPERT);
        String engineer = users.create("gate-approver", Role.ML_ENGINEER);
        long runId = start(expert, gated("manual", 0.7, Map.of("mode", "manual", "approverRole", "ML_ENGINEER")));

        RunDetail waiting = RunWait.until(runs, expert, Role.DOMAIN_EXPERT, runId,
                run -> task(run, "gate").status() == TaskStatus.WAITING, LIMIT);
        assertThat(waiting.summary().status()).isEqualTo(RunStatus.RUNNING);
        assertThat(task(waiting, "gate").message()).startsWith("waiting for approval by a user with the ML engineer"
                + " role").contains("f1 0.7000");
        assertThat(task(waiting, "gate").workerId()).isNull();

        assertThatThrownBy(() -> SignedIn.as(expert, List.of(Role.DOMAIN_EXPERT),
                () -> gates.decide(runId, "gate", true, "looks fine to me")))
                .isInstanceOf(AccessDeniedException.class).hasMessageContaining("ML engineer");

        GateDecision decision = SignedIn.as(engineer, List.of(Role.ML_ENGINEER),
                () -> gates.decide(runId, "gate", true, "F1 0.70 is enough for the pilot"));
        assertThat(decision.approved()).isTrue();
        RunDetail done = RunWait.finished(runs, expert, Role.DOMAIN_EXPERT, runId, LIMIT);
        assertThat(done.summary().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(task(done, "gate").attempt()).as("waiting spends no attempt").isEqualTo(1);
        assertThat(SignedIn.as(expert, List.of(Role.DOMAIN_EXPERT), () -> gates.decision(runId, "gate")))
                .hasValueSatisfying(d -> {
                    assertThat(d.decidedBy()).isEqualTo(engineer);
                    assertThat(d.comment()).isEqualTo("F1 0.70 is enough for the pilot");
                });
        assertThat(SignedIn.as("auditor", List.of(Role.ADMIN), () -> audit.count(new AuditQuery(engineer,
                "gate.approved", "run " + runId + " step gate", null, null)))).isEqualTo(1);
        assertThatThrownBy(() -> SignedIn.as(engineer, List.of(Role.ML_ENGINEER),
                () -> gates.decide(runId, "gate", false, "changed my mind")))
                .hasMessageContaining("not waiting for a decision");
    }

    @Test
    void aRejectedGateStopsTheRunWithTheReason() throws Exception {
        String expert = users.create("gate-rejected-starter", Role.DOMAIN_EXPERT);
        String approver = users.create("gate-named-approver", Role.REVIEWER);
        long runId = start(expert, gated("rejected", 0.7, Map.of("mode", "manual", "approvers", approver)));
        RunWait.until(runs, expert, Role.DOMAIN_EXPERT, runId,
                run -> task(run, "gate").status() == TaskStatus.WAITING, LIMIT);

        SignedIn.as(approver, List.of(Role.REVIEWER), () -> gates.decide(runId, "gate", false,
                "answers about refunds are wrong"));
        RunDetail done = RunWait.finished(runs, expert, Role.DOMAIN_EXPERT, runId, LIMIT);
        assertThat(done.summary().status()).isEqualTo(RunStatus.FAILED);
        assertThat(task(done, "gate").message()).contains("quality gate rejected by " + approver)
                .contains("answers about refunds are wrong");
    }

    /** model → (report with the given F1) → gate; the report and the model are written by scripts. */
    private PipelineGraph gated(String name, double f1, Map<String, Object> gateParams) {
        String report = "report-" + name;
        String model = "model-" + name;
        ScriptedExecutors.replace(report, context -> context.output("report", json("{\"format\":\"test\","
                + "\"metrics\":{\"f1\":" + f1 + ",\"pass_rate\":0.5,\"cases\":4}}")));
        ScriptedExecutors.replace(model, context -> context.output("model", json("model of " + name)));
        Map<String, Object> params = new LinkedHashMap<>(gateParams);
        return new PipelineGraph(null, List.of(
                new GraphNode("data", "dataset-upload", "Data", 0, 0, Map.of("dataset", "support-replies")),
                new GraphNode(model, "fine-tune", "Fine-tune", 260, 0, Map.of()),
                new GraphNode(report, "evaluate", "Evaluate", 520, 0, Map.of()),
                new GraphNode("gate", "gate", "Quality gate", 780, 0, params)),
                List.of(new GraphEdge("e0", "data", "dataset", model, "dataset"),
                        new GraphEdge("e1", model, "model", report, "model"),
                        new GraphEdge("e4", "data", "dataset", report, "dataset"),
                        new GraphEdge("e2", report, "report", "gate", "report"),
                        new GraphEdge("e3", model, "model", "gate", "model")));
    }

    private long start(String user, PipelineGraph graph) {
        return SignedIn.as(user, List.of(Role.DOMAIN_EXPERT), () -> runs.start(pipelines.create(
                Users.uniqueName("gated"), null, graph, null).id(), RunTrigger.API).id());
    }

    private static TaskInfo task(RunDetail run, String nodeId) {
        return run.tasks().stream().filter(t -> t.nodeId().equals(nodeId)).findFirst().orElseThrow();
    }

    private static ByteArrayInputStream json(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
