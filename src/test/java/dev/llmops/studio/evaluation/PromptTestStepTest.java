package dev.llmops.studio.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmops.studio.artifact.ArtifactRef;
import dev.llmops.studio.artifact.ArtifactStore;
import dev.llmops.studio.pipeline.GraphEdge;
import dev.llmops.studio.pipeline.GraphNode;
import dev.llmops.studio.pipeline.PipelineGraph;
import dev.llmops.studio.pipeline.PipelineService;
import dev.llmops.studio.run.RunDetail;
import dev.llmops.studio.run.RunService;
import dev.llmops.studio.run.RunStatus;
import dev.llmops.studio.run.RunTrigger;
import dev.llmops.studio.run.TaskInfo;
import dev.llmops.studio.run.TaskLog;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.RunWait;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.support.Users;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * A domain expert's pipeline trains a model, deploys it and tests it twice: the endpoint with the step's own
 * prompts, the model version directly with a saved suite. Both steps write the report that the Human review and
 * Quality gate steps read; a step with nothing connected fails with a message that says what to connect.
 */
@H2Test
@TestPropertySource(properties = PromptTestRunTest.REAL_STEPS)
class PromptTestStepTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    PipelineService pipelines;
    @Autowired
    RunService runs;
    @Autowired
    PromptSuiteService suites;
    @Autowired
    ArtifactStore artifacts;
    @Autowired
    Users users;

    @Test
    void theStepTestsAnEndpointOrAModelVersionAndReportsInTheSharedFormat() throws Exception {
        String expert = users.create("testing-expert", Role.DOMAIN_EXPERT);
        String suite = Users.uniqueName("step-suite");
        as(expert, () -> suites.create(suite, SuiteContent.of(List.of(
                PromptCase.of("Hello", AssertionType.NONE, null),
                PromptCase.of("Hello", AssertionType.LENGTH, "0.."),
                PromptCase.of("Hello", AssertionType.CLASSIFICATION, "greeting"),
                PromptCase.of("Hello", AssertionType.REGEX, "^\\d{40}$")))));
        String modelName = Users.uniqueName("step-tested");
        String endpoint = Users.uniqueName("step-tested").toLowerCase();
        Map<String, Object> quick = Map.of("method", "from-scratch", "preset", "tiny", "epochs", 1, "maxLength", 96,
                "evalEvery", 50, "earlyStoppingPatience", 0, "modelName", modelName);
        PipelineGraph graph = new PipelineGraph(null, List.of(
                new GraphNode("data", "dataset-upload", "Support replies", 0, 0, Map.of("dataset", "support-replies")),
                new GraphNode("train", "fine-tune", "Fine-tune", 260, 0, quick),
                new GraphNode("deploy", "deploy", "Deploy", 520, 0, Map.of("endpointName", endpoint)),
                new GraphNode("ask", "prompt-test", "Ask the endpoint", 780, 0, Map.of("prompts",
                        "Hello\n\nWhat is the capital of France?", "maxTokens", 16)),
                new GraphNode("check", "prompt-test", "Check the model", 520, 200, Map.of("suite", suite,
                        "maxTokens", 16))),
                List.of(new GraphEdge("e1", "data", "dataset", "train", "dataset"),
                        new GraphEdge("e2", "train", "model", "deploy", "model"),
                        new GraphEdge("e3", "deploy", "endpoint", "ask", "endpoint"),
                        new GraphEdge("e4", "train", "model", "check", "model")));
        long runId = as(expert, () -> runs.start(pipelines.create(Users.uniqueName("prompt-testing"), null, graph,
                null).id(), RunTrigger.API).id());

        RunDetail done = RunWait.finished(runs, expert, Role.DOMAIN_EXPERT, runId, Duration.ofMinutes(5));
        String log = as(expert, () -> done.tasks().stream().flatMap(t -> runs.log(t.id(), 0, 1000).stream())
                .map(TaskLog::line).collect(Collectors.joining("\n")));
        assertThat(done.summary().status()).as(log).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(log).contains("testing 2 cases (the step's prompts) against endpoint " + endpoint + " for "
                + expert).contains("testing 4 cases of suite " + suite + " against model " + modelName + " v1");

        JsonNode asked = report(task(done, "ask"));
        assertThat(asked.path("format").asText()).isEqualTo("studio.prompt-test.v1");
        assertThat(asked.path("testRunId").asLong()).isPositive();
        assertThat(asked.path("suite").asText()).isEqualTo(PromptSuite.INLINE);
        assertThat(asked.path("target")).isEqualTo(JSON.readTree("{\"kind\":\"ENDPOINT\",\"name\":\"" + endpoint
                + "\",\"model\":\"" + modelName + "\",\"version\":1}"));
        assertThat(asked.path("metrics")).isEqualTo(JSON.readTree("{\"pass_rate\":1.0,\"cases\":2,\"passed\":2}"));
        assertThat(asked.path("cases")).hasSize(2);
        JsonNode first = asked.path("cases").get(0);
        assertThat(first.path("prompt").asText()).isEqualTo("Hello");
        assertThat(first.path("assertion").asText()).isEqualTo("NONE");
        assertThat(first.path("passed").asBoolean()).isTrue();
        assertThat(first.path("output").isTextual()).isTrue();
        assertThat(first.path("completionTokens").asInt()).isBetween(1, 16);
        assertThat(first.path("promptTokens").asInt()).isPositive();
        assertThat(first.path("latencyMs").asDouble()).isPositive();
        assertThat(first.fieldNames()).toIterable().containsExactly("prompt", "expected", "assertion", "output",
                "passed", "score", "reason", "label", "predictedLabel", "group", "latencyMs", "promptTokens",
                "completionTokens");

        JsonNode checked = report(task(done, "check"));
        assertThat(checked.path("suite").asText()).isEqualTo(suite);
        assertThat(checked.path("target").path("kind").asText()).isEqualTo("MODEL");
        assertThat(checked.path("target").path("name").asText()).isEqualTo(modelName);
        assertThat(checked.path("target").path("version").asInt()).isEqualTo(1);
        JsonNode metrics = checked.path("metrics");
        assertThat(metrics.path("cases").asInt()).isEqualTo(4);
        assertThat(metrics.path("passed").asInt()).as("NONE and an open length range pass, a 40-digit answer"
                + " does not").isBetween(2, 3);
        assertThat(metrics.fieldNames()).toIterable().containsExactly("pass_rate", "cases", "passed", "accuracy",
                "precision", "recall", "f1", "micro_precision", "micro_recall", "micro_f1");
        assertThat(checked.path("cases").get(2).path("label").asText()).isEqualTo("greeting");

        TestRunInfo recorded = as(expert, () -> suites.list()).stream().filter(s -> s.name().equals(suite))
                .findFirst().orElseThrow().latestRun();
        assertThat(recorded.runId()).isEqualTo(runId);
        assertThat(recorded.nodeId()).isEqualTo("check");
        assertThat(recorded.createdBy()).isEqualTo(expert);
    }

    @Test
    void aStepWithNothingToTestFailsWithWhatToConnect() throws Exception {
        String expert = users.create("unconnected-expert", Role.DOMAIN_EXPERT);
        PipelineGraph graph = new PipelineGraph(null, List.of(new GraphNode("nothing", "prompt-test", "Prompt test",
                0, 0, Map.of())), List.of());
        long runId = as(expert, () -> runs.start(pipelines.create(Users.uniqueName("unconnected"), null, graph,
                null).id(), RunTrigger.API).id());

        RunDetail done = RunWait.finished(runs, expert, Role.DOMAIN_EXPERT, runId, Duration.ofMinutes(1));
        assertThat(done.summary().status()).isEqualTo(RunStatus.FAILED);
        assertThat(task(done, "nothing").attempt()).as("a settings problem is not retried").isEqualTo(1);
        assertThat(task(done, "nothing").message()).contains("connect what to test: the Endpoint output of a Deploy"
                + " step, or the Model output of a Fine-tune, Quantize or Model step");
    }

    private JsonNode report(TaskInfo task) throws Exception {
        try (InputStream in = artifacts.open(ArtifactRef.parse(task.outputs().get("report")))) {
            return JSON.readTree(in);
        }
    }

    private static TaskInfo task(RunDetail run, String nodeId) {
        return run.tasks().stream().filter(t -> t.nodeId().equals(nodeId)).findFirst().orElseThrow();
    }

    private static <T> T as(String user, Callable<T> action) {
        return SignedIn.as(user, List.of(Role.DOMAIN_EXPERT), action);
    }
}
