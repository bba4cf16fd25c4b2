package dev.llmops.studio.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.llmops.studio.registry.ModelRegistryService;
import dev.llmops.studio.support.RegisteredPackages;
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
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.RunWait;
import dev.llmops.studio.support.ScriptedExecutors;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.support.Users;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
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
 * The Quantize step for real, on the embedded worker: the demo dataset, a tiny model trained for one epoch, then
 * int8 quantization with the dataset on “Validation data”, reporting sizes and the perplexity change.
 */
@H2Test
@TestPropertySource(properties = ScriptedExecutors.REAL_MODEL_STEPS)
class QuantizeStepTest {

    @Autowired
    PipelineService pipelines;
    @Autowired
    RunService runs;
    @Autowired
    ModelRegistryService registry;
    @Autowired
    Users users;
    @TempDir
    Path dir;

    private String engineer;

    @BeforeEach
    void engineer() {
        engineer = users.create("quantizer", Role.ML_ENGINEER);
    }

    @Test
    void quantizesTheFineTunedModelToInt8AndReportsThePerplexityChange() throws Exception {
        Map<String, Object> training = new HashMap<>(Map.of("method", "from-scratch", "preset", "tiny", "epochs", 1,
                "batchSize", 8, "maxLength", 160, "evalEvery", 100, "checkpointEvery", 100,
                "earlyStoppingPatience", 0, "warmupSteps", 3));
        training.put("learningRate", 0.003);
        PipelineGraph graph = new PipelineGraph(null, List.of(
                new GraphNode("data", "dataset-upload", "Support replies", 0, 0, Map.of("dataset", "support-replies")),
                new GraphNode("train", "fine-tune", "Fine-tune", 260, 0, training),
                new GraphNode("quantize", "quantize", "Quantize", 520, 0, Map.of("scheme", "int8"))),
                List.of(new GraphEdge("e1", "data", "dataset", "train", "dataset"),
                        new GraphEdge("e2", "train", "model", "quantize", "model"),
                        new GraphEdge("e3", "data", "dataset", "quantize", "dataset")));
        long pipelineId = as(() -> pipelines.create(Users.uniqueName("quantize"), null, graph, null).id());
        long runId = as(() -> runs.start(pipelineId, RunTrigger.API).id());

        RunDetail done = RunWait.finished(runs, engineer, Role.ML_ENGINEER, runId, Duration.ofMinutes(5));

        List<String> log = logLines(done, "quantize");
        assertThat(done.summary().status()).as(String.join("\n", log)).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(task(done, "quantize").attempt()).isEqualTo(1);
        Map<String, List<MetricSample>> metrics = as(() -> runs.metrics(runId)).stream()
                .filter(m -> m.nodeId().equals("quantize")).findFirst().orElseThrow().series().stream()
                .collect(Collectors.toMap(MetricSeries::name, MetricSeries::samples));
        assertThat(metrics).containsOnlyKeys("perplexity_fp32", "perplexity_quantized", "perplexity_change_pct");
        double before = metrics.get("perplexity_fp32").get(0).value();
        double after = metrics.get("perplexity_quantized").get(0).value();
        double change = metrics.get("perplexity_change_pct").get(0).value();
        assertThat(before).as("one epoch of training: far below the uniform 262").isBetween(5.0, 150.0);
        assertThat(change).isCloseTo(100 * (after / before - 1), within(1e-6));
        assertThat(Math.abs(change)).as("int8 goal").isLessThanOrEqualTo(1.0);
        assertThat(log).anyMatch(line -> line.startsWith("quantized 1.02 M parameters to int8 per-channel: weights"));
        assertThat(log).anyMatch(line -> line.startsWith("validation perplexity "));

        Path zip = RegisteredPackages.download(registry, done.summary().id(), "quantize",
                Files.createTempFile("quantized-", ".zip"));
        JsonNode metadata = ModelPackage.unpack(zip, dir.resolve("quantized"));
        JsonNode quantization = metadata.path("quantization");
        assertThat(quantization.path("scheme").asText()).isEqualTo("int8");
        assertThat(quantization.path("ratio").asDouble()).isLessThanOrEqualTo(0.27);
        assertThat(quantization.path("sourceModel").asText()).isEqualTo(task(done, "train").outputs().get("model"));
        assertThat(quantization.path("perplexityChangePct").asDouble()).isCloseTo(change,
                within(1e-9));
        assertThat(metadata.path("lineage").path("dataset").asText()).as("the fine-tune's lineage is kept")
                .startsWith("sha256:");
        try (NDManager manager = NDManager.newBaseManager()) {
            assertThat(ModelPackage.load(dir.resolve("quantized"), null, manager).parameterCount())
                    .isEqualTo(metadata.path("parameters").asLong());
        }
    }

    private static TaskInfo task(RunDetail run, String nodeId) {
        return run.tasks().stream().filter(t -> t.nodeId().equals(nodeId)).findFirst().orElseThrow();
    }

    private List<String> logLines(RunDetail run, String nodeId) throws Exception {
        return as(() -> runs.log(task(run, nodeId).id(), 0, 1000)).stream().map(TaskLog::line).toList();
    }

    private <T> T as(Callable<T> action) throws Exception {
        return SignedIn.as(engineer, List.of(Role.ML_ENGINEER), action);
    }
}
