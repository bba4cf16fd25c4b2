package dev.llmops.studio.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmops.studio.run.StepSettingsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Quantize step's executor on a tiny model trained briefly on the demo data: file sizes and validation
 * perplexity against the goals of issue 7, loading and generating with the quantized package, and the inputs it
 * refuses. The model trains once for the class (≈ 20 s on one thread).
 */
class QuantizedModelTest {

    /**
     * About three epochs: validation perplexity ≈ 13, from ≈ 260 untrained. Longer training overfits the 243
     * training examples (≈ 25 after 200 steps), which would only make the figures noisier.
     */
    private static final int TRAINING_STEPS = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;
    @TempDir
    Path dir;

    private static NDManager manager;
    private static LlamaBlock trained;
    private static Path version;
    private static Path floatPackage;

    @BeforeAll
    static void trainTinyModelOnTheDemoData() throws IOException {
        ModelEngine.prepareThread(1);
        manager = NDManager.newBaseManager();
        version = DemoTraining.writeDemoVersion(shared.resolve("support-replies.jsonl"));
        TrainingExamples examples = TrainingExamples.read(version, new ByteTokenizer(), 160);
        trained = DemoTraining.train(LlamaShape.tiny(), examples, TRAINING_STEPS, 8, 3e-3f, 42, manager);
        floatPackage = shared.resolve("model.zip");
        ObjectNode metadata = ModelPackage.newMetadata().put("method", "from-scratch").put("preset", "tiny");
        ModelPackage.write(trained, metadata, floatPackage);
    }

    @AfterAll
    static void closeManager() {
        manager.close();
    }

    @Test
    void int8IsAQuarterOfTheFloatFileAndChangesValidationPerplexityByLessThanOnePercent() throws Exception {
        LocalTaskContext context = quantize(Map.of("scheme", "int8", "groupSize", "64"), true);

        JsonNode quantization = metadataOf(context).path("quantization");
        assertThat(quantization.path("scheme").asText()).isEqualTo("int8");
        assertThat(quantization.path("bits").asInt()).isEqualTo(8);
        assertThat(quantization.path("groupSize").isNull()).as("one scale per row, whatever the group size says")
                .isTrue();
        double ratio = fileRatio(context);
        assertThat(quantization.path("ratio").asDouble()).isCloseTo(ratio, within(1e-9));
        assertThat(ratio).as("goal: int8 ≤ 0.27× of the float32 model.safetensors").isLessThanOrEqualTo(0.27);
        assertThat(quantization.path("sizeBefore").asLong()).isGreaterThan(4_000_000);

        double change = context.metrics.get("perplexity_change_pct");
        report("int8", ratio, context);
        assertThat(context.metrics.get("perplexity_fp32")).as("a briefly trained model, far from uniform")
                .isBetween(5.0, 100.0);
        assertThat(change).isEqualTo(100 * (context.metrics.get("perplexity_quantized")
                / context.metrics.get("perplexity_fp32") - 1));
        assertThat(Math.abs(change)).as("goal: int8 changes validation perplexity by at most 1 %")
                .isLessThanOrEqualTo(1.0);
        assertThat(quantization.path("perplexityChangePct").asDouble()).isEqualTo(change);
        assertThat(quantization.path("validationExamples").asInt()).isEqualTo(TrainingExamples.read(version,
                new ByteTokenizer(), LlamaShape.tiny().maxPositions(), false).validation().size());
        assertThat(context.logs).anyMatch(line -> line.startsWith("quantized 1.02 M parameters to int8 per-channel:"
                + " weights 4.07 MB → 1.05 MB"));
        assertThat(context.logs).anyMatch(line -> line.startsWith("validation perplexity "));
    }

    /**
     * The int4 bound is the 5 %, met with room: this model measures ≈ +0.7 % (bench/quantization.sh: +0.3
     * to +1.3 % over group sizes and both variants). On models this small rounding noise can also lower the
     * perplexity (down to −3 % on an overfitted one), so the bound is on the size of the change, not its sign.
     */
    @Test
    void int4WithGroupsOf64IsUnderASixthOfTheFloatFileAndChangesValidationPerplexityByLessThanFivePercent()
            throws Exception {
        LocalTaskContext context = quantize(Map.of("scheme", "int4", "groupSize", "64"), true);

        JsonNode metadata = metadataOf(context);
        JsonNode quantization = metadata.path("quantization");
        assertThat(quantization.path("bits").asInt()).isEqualTo(4);
        assertThat(quantization.path("groupSize").asInt()).isEqualTo(64);
        assertThat(quantization.path("symmetric").asBoolean()).isEqualTo(QuantizeExecutor.INT4_SYMMETRIC);
        double ratio = fileRatio(context);
        report("int4 g64", ratio, context);
        assertThat(ratio).as("goal: int4 g64 ≤ 0.16× of the float32 model.safetensors").isLessThanOrEqualTo(0.16);
        assertThat(Math.abs(context.metrics.get("perplexity_change_pct")))
                .as("goal: int4 changes validation perplexity by at most 5 %").isLessThanOrEqualTo(5.0);
        assertThat(metadata.path("method").asText()).as("the input's metadata is kept").isEqualTo("from-scratch");
        assertThat(metadata.path("tokenizer").asText()).isEqualTo("byte");
    }

    @Test
    void aQuantizedPackageLoadsAsFloatWeightsAndGenerates() throws Exception {
        LocalTaskContext context = quantize(Map.of("scheme", "int8"), false);
        Path folder = dir.resolve("unpacked");
        ModelPackage.unpack(context.outputs.get("model"), folder);
        assertThat(JSON.readTree(folder.resolve("config.json").toFile()).path("quantization_config")
                .path("quant_method").asText()).isEqualTo("llmops-weight-only");
        assertThat(folder.resolve("tokenizer.json")).exists();
        assertThat(folder.resolve("generation_config.json")).exists();

        LlamaBlock quantized = ModelPackage.load(folder, null, manager);
        ByteTokenizer tokenizer = new ByteTokenizer();
        int[] prompt = tokenizer.encodeChat(List.of(new ByteTokenizer.Message(ByteTokenizer.Role.USER,
                "Where is my order?")), true).ids();

        float[] floatLogits = lastLogits(trained, prompt);
        float[] quantizedLogits = lastLogits(quantized, prompt);
        assertThat(relativeDifference(floatLogits, quantizedLogits)).as("int8 barely moves the logits")
                .isLessThan(0.02);
        LlamaGenerator.Generation generation = new LlamaGenerator(quantized).generate(prompt,
                SamplingOptions.greedy(40, List.of(new int[] {ByteTokenizer.EOS})));
        assertThat(generation.tokens()).isNotEmpty();
        assertThat(tokenizer.decode(generation.tokens())).isNotBlank();
    }

    @Test
    void withoutValidationDataTheModelIsQuantizedAndNothingIsMeasured() throws Exception {
        LocalTaskContext context = quantize(Map.of("scheme", "int4", "groupSize", "128"), false);

        assertThat(context.metrics).isEmpty();
        JsonNode quantization = metadataOf(context).path("quantization");
        assertThat(quantization.has("perplexityChangePct")).isFalse();
        assertThat(quantization.path("ratio").asDouble()).isLessThan(0.16);
        assertThat(context.logs).contains("no validation data connected: perplexity not measured");
    }

    @Test
    void anAlreadyQuantizedModelIsRefusedWithWhatToDo() throws Exception {
        LocalTaskContext first = quantize(Map.of("scheme", "int8"), false);
        LocalTaskContext again = new LocalTaskContext(Map.of("scheme", "int4", "groupSize", "64"),
                Map.of("model", first.outputs.get("model")), dir.resolve("again"), false);

        assertThatThrownBy(() -> new QuantizeExecutor().execute(again)).isInstanceOf(StepSettingsException.class)
                .hasMessage("the model is already quantized (int8); quantizing it again would only add error:"
                        + " connect the float model instead");
    }

    @Test
    void settingsOutsideTheCatalogsChoicesAreRefused() {
        assertThat(QuantizeExecutor.quantization(Map.of("scheme", "int4", "groupSize", 32)))
                .isEqualTo(WeightQuantization.int4(32, QuantizeExecutor.INT4_SYMMETRIC));
        assertThat(QuantizeExecutor.quantization(Map.of())).isEqualTo(WeightQuantization.int8());
        assertThatThrownBy(() -> QuantizeExecutor.quantization(Map.of("scheme", "int2")))
                .isInstanceOf(StepSettingsException.class).hasMessage("scheme must be int8 or int4, got “int2”");
        assertThatThrownBy(() -> QuantizeExecutor.quantization(Map.of("scheme", "int4", "groupSize", "100")))
                .isInstanceOf(StepSettingsException.class)
                .hasMessage("group size must be 32, 64 or 128, got “100”");
    }

    @Test
    void aDatasetWithoutAValidationSplitIsRefused() throws Exception {
        Path trainOnly = dir.resolve("train-only.jsonl");
        Files.write(trainOnly, Files.readAllLines(version).stream()
                .map(line -> line.replace("\"split\":\"validation\"", "\"split\":\"train\"")).toList());
        LocalTaskContext context = new LocalTaskContext(Map.of("scheme", "int8"),
                Map.of("model", floatPackage, "dataset", trainOnly), dir.resolve("work"), false);

        assertThatThrownBy(() -> new QuantizeExecutor().execute(context)).isInstanceOf(StepSettingsException.class)
                .hasMessageContaining("has no validation examples");
    }

    private LocalTaskContext quantize(Map<String, Object> params, boolean withValidationData) throws Exception {
        Map<String, Path> inputs = withValidationData ? Map.of("model", floatPackage, "dataset", version)
                : Map.of("model", floatPackage);
        LocalTaskContext context = new LocalTaskContext(params, inputs, dir.resolve("work"), false);
        new QuantizeExecutor().execute(context);
        assertThat(context.outputs).containsKey("model");
        return context;
    }

    private static void report(String scheme, double ratio, LocalTaskContext context) {
        System.out.printf(java.util.Locale.ROOT, "[quantize] tiny, %d steps, %s: %.4f× the float32 file, validation"
                        + " perplexity %.4f → %.4f (%+.3f %%)%n", TRAINING_STEPS, scheme, ratio,
                context.metrics.get("perplexity_fp32"), context.metrics.get("perplexity_quantized"),
                context.metrics.get("perplexity_change_pct"));
    }

    private JsonNode metadataOf(LocalTaskContext context) throws IOException {
        return ModelPackage.unpack(context.outputs.get("model"), dir.resolve("metadata-" + System.nanoTime()));
    }

    /** model.safetensors of the output over that of the input, measured on the unpacked files. */
    private double fileRatio(LocalTaskContext context) throws IOException {
        Path before = dir.resolve("before-" + System.nanoTime());
        Path after = dir.resolve("after-" + System.nanoTime());
        ModelPackage.unpack(floatPackage, before);
        ModelPackage.unpack(context.outputs.get("model"), after);
        return (double) Files.size(after.resolve("model.safetensors"))
                / Files.size(before.resolve("model.safetensors"));
    }

    private static float[] lastLogits(LlamaBlock block, int[] prompt) {
        try (NDManager step = manager.newSubManager()) {
            NDArray ids = step.create(new int[][] {prompt});
            NDArray logits = block.forward(new ParameterStore(step, false), new NDList(ids), false).singletonOrThrow();
            return logits.get("0, " + (prompt.length - 1)).toFloatArray();
        }
    }

    private static double relativeDifference(float[] a, float[] b) {
        double difference = 0;
        double norm = 0;
        for (int i = 0; i < a.length; i++) {
            difference += (a[i] - b[i]) * (a[i] - b[i]);
            norm += a[i] * a[i];
        }
        return Math.sqrt(difference / norm);
    }
}
