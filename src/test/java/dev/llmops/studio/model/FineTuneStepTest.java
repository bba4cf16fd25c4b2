package dev.llmops.studio.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmops.studio.artifact.ArtifactRef;
import dev.llmops.studio.artifact.ArtifactStore;
import dev.llmops.studio.pipeline.GraphEdge;
import dev.llmops.studio.pipeline.GraphNode;
import dev.llmops.studio.pipeline.PipelineGraph;
import dev.llmops.studio.pipeline.PipelineService;
import dev.llmops.studio.run.MetricSample;
import dev.llmops.studio.run.MetricSeries;
import dev.llmops.studio.run.RunDetail;
import dev.llmops.studio.run.RunService;
import dev.llmops.studio.run.RunStatus;
import dev.llmops.studio.run.RunTrigger;
import dev.llmops.studio.run.TaskInfo;
import dev.llmops.studio.run.TaskLog;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.registry.ModelRegistryService;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.RegisteredPackages;
import dev.llmops.studio.support.RunWait;
import dev.llmops.studio.support.ScriptedExecutors;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.support.Users;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * The Fine-tune step for real, on the embedded worker: the demo dataset, a tiny model trained from scratch,
 * then LoRA adapters trained on it, each producing a model package that loads elsewhere.
 */
@H2Test
@TestPropertySource(properties = ScriptedExecutors.REAL_MODEL_STEPS)
class FineTuneStepTest {

    /** Short sequences and one epoch keep the test at a few seconds per step on one thread. */
    private static final Map<String, Object> QUICK = Map.of("epochs", 1, "batchSize", 8, "maxLength", 160,
            "evalEvery", 9, "checkpointEvery", 10, "earlyStoppingPatience", 0, "warmupSteps", 3);

    @Autowired
    PipelineService pipelines;
    @Autowired
    RunService runs;
    @Autowired
    ArtifactStore artifacts;
    @Autowired
    ModelRegistryService registry;
    @Autowired
    Users users;
    @TempDir
    Path dir;

    private String engineer;

    @BeforeEach
    void engineer() {
        engineer = users.create("trainer", Role.ML_ENGINEER);
    }

    @Test
    void trainsFromScratchThenLoraOnTopAndStreamsTheCurves() throws Exception {
        Map<String, Object> scratch = new java.util.HashMap<>(QUICK);
        scratch.putAll(Map.of("method", "from-scratch", "preset", "tiny", "learningRate", 0.003));
        Map<String, Object> lora = new java.util.HashMap<>(QUICK);
        lora.putAll(Map.of("method", "lora", "learningRate", 0.003, "loraRank", 4, "loraTargets", "q_proj,v_proj"));
        PipelineGraph graph = new PipelineGraph(null, List.of(
                new GraphNode("data", "dataset-upload", "Support replies", 0, 0, Map.of("dataset", "support-replies")),
                new GraphNode("scratch", "fine-tune", "From scratch", 260, 0, scratch),
                new GraphNode("adapt", "fine-tune", "LoRA", 520, 0, lora),
                new GraphNode("score", "evaluate", "Evaluate", 520, 200, Map.of("samples", 2, "maxNewTokens", 40))),
                List.of(new GraphEdge("e1", "data", "dataset", "scratch", "dataset"),
                        new GraphEdge("e4", "scratch", "model", "score", "model"),
                        new GraphEdge("e5", "data", "dataset", "score", "dataset"),
                        new GraphEdge("e2", "data", "dataset", "adapt", "dataset"),
                        new GraphEdge("e3", "scratch", "model", "adapt", "baseModel")));
        long pipelineId = as(() -> pipelines.create(Users.uniqueName("fine-tune"), null, graph, null).id());
        long runId = as(() -> runs.start(pipelineId, RunTrigger.API).id());

        RunDetail done = RunWait.finished(runs, engineer, Role.ML_ENGINEER, runId, Duration.ofMinutes(5));

        String logs = logs(done);
        assertThat(done.summary().status()).as(logs).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(done.tasks()).as("no step needed a retry").allMatch(t -> t.attempt() == 1);
        Map<String, List<MetricSample>> curves = as(() -> runs.metrics(runId)).stream()
                .filter(m -> m.nodeId().equals("scratch")).findFirst().orElseThrow().series().stream()
                .collect(Collectors.toMap(MetricSeries::name, MetricSeries::samples));
        assertThat(curves).containsKeys("train_loss", "val_loss", "perplexity", "learning_rate", "tokens_per_s",
                "eta_s");
        List<MetricSample> validation = curves.get("val_loss");
        assertThat(validation.get(0).step()).as("measured before the first step").isZero();
        double before = validation.get(0).value();
        double after = validation.get(validation.size() - 1).value();
        assertThat(before).as("an untrained model is close to uniform over 262 tokens").isBetween(5.0, 6.2);
        assertThat(after).as("one epoch lowers the validation loss clearly").isLessThan(0.75 * before);
        assertThat(curves.get("eta_s").get(curves.get("eta_s").size() - 1).value()).isZero();

        ArtifactRef scratchOutput = ArtifactRef.parse(task(done, "scratch").outputs().get("model"));
        // the purge follows the run's last commit on the thread that made it, a moment after the status shows
        long purgeDeadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (artifacts.exists(scratchOutput) && System.nanoTime() < purgeDeadline) {
            Thread.sleep(50);
        }
        assertThat(artifacts.exists(scratchOutput)).as("once the run ended, only the vault's encrypted copy is left")
                .isFalse();
        Path scratchFolder = unpack(done, "scratch");
        ObjectNode scratchMeta = ModelPackage.unpack(artifactOf(done, "scratch"), dir.resolve("again"));
        assertThat(scratchMeta.path("method").asText()).isEqualTo("from-scratch");
        assertThat(scratchMeta.path("lineage").path("dataset").asText()).startsWith("sha256:");
        assertThat(scratchMeta.path("result").path("validationLoss").asDouble()).isCloseTo(after, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(scratchFolder.resolve("config.json")).exists();
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(scratchFolder,
                Map.of("addSpecialTokens", "false"))) {
            assertThat(tokenizer.encode("Hi").getIds()).containsExactly(72L, 105L);
        }

        Path loraFolder = unpack(done, "adapt");
        ObjectNode loraMeta = ModelPackage.unpack(artifactOf(done, "adapt"), dir.resolve("lora-again"));
        assertThat(loraMeta.path("method").asText()).isEqualTo("lora");
        assertThat(loraMeta.path("lineage").path("baseModel").asText())
                .isEqualTo(task(done, "scratch").outputs().get("model"));
        assertThat(loraMeta.path("trainableParameters").asLong())
                .isLessThan(loraMeta.path("parameters").asLong() / 10);
        assertThat(loraFolder.resolve("adapter_model.safetensors")).exists();
        assertThat(Files.readString(loraFolder.resolve("adapter_config.json"))).contains("\"r\" : 4");
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaBlock merged = ModelPackage.load(loraFolder, null, manager);
            assertThat(merged.parameterCount()).isEqualTo(loraMeta.path("parameters").asLong());
        }
        assertThat(logLines(done, "adapt")).anyMatch(line -> line.startsWith("fine-tuning LoRA adapters (rank 4"));

        JsonNode report = new ObjectMapper().readTree(artifacts.file(
                ArtifactRef.parse(task(done, "score").outputs().get("report"))).toFile());
        JsonNode metrics = report.path("metrics");
        assertThat(report.path("split").asText()).isEqualTo("test");
        assertThat(metrics.path("examples").asInt()).isBetween(20, 30);
        assertThat(metrics.path("perplexity").asDouble())
                .isCloseTo(Math.exp(metrics.path("loss").asDouble()), org.assertj.core.api.Assertions.within(1e-6));
        assertThat(metrics.path("loss").asDouble()).as("held-out loss near the validation loss")
                .isBetween(after - 0.5, after + 0.5);
        assertThat(metrics.path("next_token_accuracy").asDouble()).as("far better than 1 in 262")
                .isBetween(0.15, 1.0);
        assertThat(report.path("samples")).hasSize(2).allSatisfy(sample -> {
            assertThat(sample.path("prompt").asText()).isNotBlank();
            assertThat(sample.path("reference").asText()).isNotBlank();
            assertThat(sample.path("finishReason").asText()).isIn("stop", "length");
        });
        assertThat(as(() -> runs.metrics(runId)).stream().filter(m -> m.nodeId().equals("score")).findFirst()
                .orElseThrow().series()).extracting(MetricSeries::name)
                .contains("perplexity", "next_token_accuracy", "eval_loss");
    }

    @Test
    void settingsThatCannotWorkFailAtOnceWithWhatToChangeAndNoRetry() throws Exception {
        PipelineGraph graph = new PipelineGraph(null, List.of(
                new GraphNode("data", "dataset-upload", "Support replies", 0, 0, Map.of("dataset", "support-replies")),
                new GraphNode("adapt", "fine-tune", "LoRA", 260, 0, Map.of("method", "lora"))),
                List.of(new GraphEdge("e1", "data", "dataset", "adapt", "dataset")));
        long pipelineId = as(() -> pipelines.create(Users.uniqueName("no-base"), null, graph, null).id());
        long runId = as(() -> runs.start(pipelineId, RunTrigger.API).id());

        RunDetail done = RunWait.finished(runs, engineer, Role.ML_ENGINEER, runId, Duration.ofMinutes(1));

        assertThat(done.summary().status()).isEqualTo(RunStatus.FAILED);
        TaskInfo adapt = task(done, "adapt");
        assertThat(adapt.attempt()).as("a retry would fail the same way").isEqualTo(1);
        assertThat(adapt.message()).contains("connect one to “Base model”, or choose from-scratch")
                .contains("not retried");
    }

    private Path unpack(RunDetail run, String nodeId) throws Exception {
        Path folder = dir.resolve(nodeId);
        ModelPackage.unpack(artifactOf(run, nodeId), folder);
        return folder;
    }

    /** The step's model package as its user gets it: from the registry (the run's plaintext copy is gone). */
    private Path artifactOf(RunDetail run, String nodeId) throws Exception {
        Path file = dir.resolve(nodeId + "-" + System.nanoTime() + ".zip");
        return RegisteredPackages.download(registry, run.summary().id(), nodeId, file);
    }

    private static TaskInfo task(RunDetail run, String nodeId) {
        return run.tasks().stream().filter(t -> t.nodeId().equals(nodeId)).findFirst().orElseThrow();
    }

    private List<String> logLines(RunDetail run, String nodeId) throws Exception {
        return as(() -> runs.log(task(run, nodeId).id(), 0, 1000)).stream().map(TaskLog::line).toList();
    }

    private String logs(RunDetail run) throws Exception {
        StringBuilder all = new StringBuilder();
        for (TaskInfo task : run.tasks()) {
            all.append(task.nodeId()).append(": ").append(task.message()).append('\n');
            for (String line : logLines(run, task.nodeId())) {
                all.append("  ").append(line).append('\n');
            }
        }
        return all.toString();
    }

    private <T> T as(Callable<T> action) throws Exception {
        return SignedIn.as(engineer, List.of(Role.ML_ENGINEER), action);
    }
}
