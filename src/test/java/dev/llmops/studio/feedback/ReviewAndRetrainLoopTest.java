package dev.llmops.studio.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.studio.dataset.DatasetRecord;
import dev.llmops.studio.dataset.DatasetService;
import dev.llmops.studio.dataset.DatasetVersionInfo;
import dev.llmops.studio.dataset.SourceKind;
import dev.llmops.studio.pipeline.GraphNode;
import dev.llmops.studio.pipeline.PipelineGraph;
import dev.llmops.studio.pipeline.PipelineService;
import dev.llmops.studio.pipeline.PipelineTemplates;
import dev.llmops.studio.run.RunDetail;
import dev.llmops.studio.run.RunService;
import dev.llmops.studio.run.RunStatus;
import dev.llmops.studio.run.RunTrigger;
import dev.llmops.studio.run.TaskInfo;
import dev.llmops.studio.run.TaskLog;
import dev.llmops.studio.run.TaskStatus;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.RunWait;
import dev.llmops.studio.support.ScriptedExecutors;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.support.Users;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * The shipped "Review and retrain loop" template end to end, every step real, training as the template says (the
 * first model takes about two minutes on two cores; the other steps are sized down): upload → fine-tune → deploy → prompt test → human review, where the run
 * waits until a reviewer (this test) has corrected one answer and accepted the other → export as a dataset version
 * → LoRA retrain on the reviewers' answers → evaluate → quality gate on next-token accuracy.
 */
@H2Test
@TestPropertySource(properties = ScriptedExecutors.QUALITY_STEPS)
class ReviewAndRetrainLoopTest {

    private static final String CORRECTION = "Open Settings, choose Security and click Reset password; the link"
            + " arrives by e-mail within a minute.";

    @Autowired
    PipelineTemplates templates;
    @Autowired
    PipelineService pipelines;
    @Autowired
    RunService runs;
    @Autowired
    ReviewService reviews;
    @Autowired
    DatasetService datasets;
    @Autowired
    Users users;

    @Test
    void theTemplateRetrainsOnTheReviewersCorrectionsAndPassesItsGate() throws Exception {
        String expert = users.create("loop-expert", Role.DOMAIN_EXPERT);
        String reviewer = users.create("loop-reviewer", Role.REVIEWER);
        String queue = Users.uniqueName("support-answers");
        String exported = Users.uniqueName("support-reviewed");
        PipelineGraph graph = quick(templates.get("review-and-retrain-loop").graph(), Map.of(
                "finetune", Map.of("evalEvery", 100, "modelName", Users.uniqueName("support-model")),
                "deploy", Map.of("endpointName", Users.uniqueName("support").toLowerCase()),
                "prompttest", Map.of("maxTokens", 48, "temperature", 0.0),
                "review", Map.of("queue", queue, "reviewersPerItem", 1, "reviewers", reviewer,
                        "exportDataset", exported),
                "retrain", Map.of("epochs", 2, "maxLength", 160),
                "evaluate", Map.of("maxExamples", 26, "samples", 0)));
        long runId = as(expert, Role.DOMAIN_EXPERT, () -> runs.start(pipelines.create(Users.uniqueName("loop"),
                null, graph, null).id(), RunTrigger.API).id());

        RunDetail waiting = RunWait.until(runs, expert, Role.DOMAIN_EXPERT, runId, run -> run.summary().status()
                .finished() || task(run, "review").status() == TaskStatus.WAITING, Duration.ofMinutes(6));
        assertThat(task(waiting, "review").status()).as(log(expert, waiting)).isEqualTo(TaskStatus.WAITING);
        assertThat(task(waiting, "review").message()).contains("0 of 2 item(s) fully reviewed");
        assertThat(task(waiting, "retrain").status()).isEqualTo(TaskStatus.PENDING);

        // the reviewer corrects the password answer and accepts the invoice answer
        ReviewTask first = as(reviewer, Role.REVIEWER, () -> reviews.next(queue)).orElseThrow();
        assertThat(first.prompt()).isEqualTo("How do I reset my password?");
        assertThat(first.response()).isNotBlank();
        as(reviewer, Role.REVIEWER, () -> {
            reviews.submit(first.assignmentId(), new ReviewInput(2, null, null, CORRECTION, Set.of(ReviewTag.WRONG),
                    null));
            return null;
        });
        ReviewTask second = as(reviewer, Role.REVIEWER, () -> reviews.next(queue)).orElseThrow();
        assertThat(second.prompt()).startsWith("My invoice shows the wrong amount");
        as(reviewer, Role.REVIEWER, () -> {
            reviews.submit(second.assignmentId(), new ReviewInput(4, Thumbs.UP, null, null, Set.of(), null));
            return null;
        });

        RunDetail done = RunWait.finished(runs, expert, Role.DOMAIN_EXPERT, runId, Duration.ofMinutes(6));
        String log = log(expert, done);
        assertThat(done.summary().status()).as(log).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(task(done, "review").attempt()).as("waiting spends no attempt").isEqualTo(1);

        DatasetVersionInfo version = as(expert, Role.DOMAIN_EXPERT, () -> datasets.version(exported, "latest"));
        assertThat(version.sourceKind()).isEqualTo(SourceKind.FEEDBACK);
        assertThat(version.sourceRef()).contains(queue).contains("run " + runId);
        assertThat(version.rows()).isEqualTo(2);
        List<DatasetRecord> records = as(expert, Role.DOMAIN_EXPERT, () -> datasets.head(exported,
                version.version(), 10));
        assertThat(records).anySatisfy(r -> assertThat(r.messages().get(1).content()).isEqualTo(CORRECTION));
        assertThat(task(done, "retrain").outputs()).containsKey("model");
        assertThat(log).contains("exported to dataset “" + exported + "” version 1: 2 example(s) (1 corrected,"
                + " 1 accepted")
                .contains("2 training and 0 validation examples")
                .contains("quality gate passed: next_token_accuracy = ");
    }

    /** The template with some parameters changed, keeping its nodes and edges. */
    private static PipelineGraph quick(PipelineGraph template, Map<String, Map<String, Object>> changes) {
        List<GraphNode> nodes = template.nodes().stream().map(node -> {
            Map<String, Object> params = new LinkedHashMap<>(node.params());
            params.putAll(changes.getOrDefault(node.id(), Map.of()));
            return new GraphNode(node.id(), node.type(), node.label(), node.x(), node.y(), params);
        }).toList();
        return new PipelineGraph(null, nodes, template.edges());
    }

    private String log(String user, RunDetail run) throws Exception {
        Map<String, String> byStep = new HashMap<>();
        for (TaskInfo task : run.tasks()) {
            byStep.put(task.nodeId(), as(user, Role.DOMAIN_EXPERT, () -> runs.log(task.id(), 0, 2000)).stream()
                    .map(TaskLog::line).collect(Collectors.joining("\n")));
        }
        return run.tasks().stream().map(t -> "== " + t.nodeId() + " (" + t.status() + ": " + t.message() + ")\n"
                + byStep.get(t.nodeId())).collect(Collectors.joining("\n"));
    }

    private static TaskInfo task(RunDetail run, String nodeId) {
        return run.tasks().stream().filter(t -> t.nodeId().equals(nodeId)).findFirst().orElseThrow();
    }

    private static <T> T as(String user, Role role, Callable<T> action) {
        return SignedIn.as(user, List.of(role), action);
    }
}
