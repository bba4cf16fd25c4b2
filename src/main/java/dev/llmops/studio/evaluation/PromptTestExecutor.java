package dev.llmops.studio.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmops.studio.registry.ModelRegistryService;
import dev.llmops.studio.registry.ModelVersionInfo;
import dev.llmops.studio.run.NodeExecutor;
import dev.llmops.studio.run.RunService;
import dev.llmops.studio.run.StepSettingsException;
import dev.llmops.studio.run.TaskContext;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The Prompt test step: runs a saved suite, or the step's own prompts (each only recorded), against the endpoint a
 * Deploy step serves or directly against a model version, and writes the report ({@link TestReport#json()}) that
 * the Human review and Quality gate steps read. It reads the database, so it runs on the server's embedded worker;
 * the test run is recorded under the run's starter, with the run and step.
 */
@Component
class PromptTestExecutor implements NodeExecutor {

    private static final Duration REGISTRATION_WAIT = Duration.ofMinutes(2);
    private static final int FAILURES_LOGGED = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PromptTestService tests;
    private final PromptSuiteService suites;
    private final ModelRegistryService registry;
    /** Lazily: the run service needs the executors, this one among them. */
    private final ObjectProvider<RunService> runs;

    PromptTestExecutor(PromptTestService tests, PromptSuiteService suites, ModelRegistryService registry,
            ObjectProvider<RunService> runs) {
        this.tests = tests;
        this.suites = suites;
        this.registry = registry;
        this.runs = runs;
    }

    @Override
    public String nodeType() {
        return "prompt-test";
    }

    @Override
    public void execute(TaskContext context) throws Exception {
        RunOptions options = options(context);
        PromptSuite suite = suite(context);
        String actor = runs.getObject().startedBy(context.runId());
        TestTarget target;
        ModelUnderTest model;
        if (context.inputs().containsKey("endpoint")) {
            JsonNode deployed = JSON.readTree(Files.readString(context.input("endpoint")));
            target = TestTarget.endpoint(deployed.path("endpoint").asText());
            model = deployed.hasNonNull("model") ? new ModelUnderTest(deployed.path("model").asText(),
                    deployed.path("version").asInt(), registry.findVersion(deployed.path("model").asText(),
                    deployed.path("version").asInt()).map(ModelVersionInfo::id).orElse(null)) : null;
            if (context.inputs().containsKey("model")) {
                context.log("both inputs are connected: testing the endpoint, not the model on the Model input");
            }
        } else if (context.inputs().containsKey("model")) {
            ModelVersionInfo version = registeredVersion(context);
            target = TestTarget.model(version.modelName(), version.version());
            model = new ModelUnderTest(version.modelName(), version.version(), version.id());
        } else {
            throw new StepSettingsException("connect what to test: the Endpoint output of a Deploy step, or the"
                    + " Model output of a Fine-tune, Quantize or Model step");
        }
        context.log("testing " + cases(suite.cases().size()) + (suite.id() > 0 ? " of suite " + suite.name()
                : " (the step's prompts)") + " against " + (target.kind() == TestTarget.Kind.ENDPOINT
                ? "endpoint " : "model ") + target.label() + " for " + actor + String.format(Locale.ROOT,
                ", temperature %s, at most %d tokens each", options.temperature(), options.maxTokens()));
        context.progress(0.02);
        TestReport report = tests.runForStep(suite, target, model, options, actor, context.runId(),
                context.nodeId(), new TestProgress() {
                    @Override
                    public synchronized void answered(int done, int total) {
                        context.progress(0.05 + 0.9 * done / total);
                    }

                    @Override
                    public boolean cancelled() {
                        return context.cancelRequested();
                    }
                });
        log(context, report);
        context.output("report", new ByteArrayInputStream(report.json().getBytes(StandardCharsets.UTF_8)));
        context.progress(1.0);
    }

    private static RunOptions options(TaskContext context) {
        Object temperature = context.params().get("temperature");
        try {
            return new RunOptions(context.intParam("maxTokens", RunOptions.DEFAULT.maxTokens()),
                    temperature == null || temperature.toString().isBlank() ? RunOptions.DEFAULT.temperature()
                            : Double.parseDouble(temperature.toString().trim()));
        } catch (IllegalArgumentException e) {
            throw new StepSettingsException(e.getMessage());
        }
    }

    /** The saved suite the step names, else its prompts as an inline suite whose cases are only recorded. */
    private PromptSuite suite(TaskContext context) {
        String name = String.valueOf(context.params().getOrDefault("suite", "")).strip();
        if (!name.isEmpty()) {
            PromptSuite suite = suites.findForRun(name).orElseThrow(() -> new StepSettingsException("there is no"
                    + " prompt suite “" + name + "”; create it on the Prompt tests screen or correct the name"));
            if (suite.cases().isEmpty()) {
                throw new StepSettingsException("the prompt suite “" + name + "” has no cases yet");
            }
            return suite;
        }
        List<PromptCase> cases = String.valueOf(context.params().getOrDefault("prompts", "")).lines()
                .filter(line -> !line.isBlank()).map(line -> PromptCase.of(line.strip(), AssertionType.NONE, null))
                .toList();
        if (cases.isEmpty()) {
            throw new StepSettingsException("enter prompts, one per line, or the name of a saved prompt suite");
        }
        return PromptSuite.inline(cases);
    }

    /** The registry registers a step's model when that step succeeds; this step may start a moment before. */
    private ModelVersionInfo registeredVersion(TaskContext context) throws InterruptedException {
        String artifact = context.inputs().get("model");
        return registry.awaitByArtifact(artifact, REGISTRATION_WAIT, context::cancelRequested).orElseThrow(() ->
                new StepSettingsException("the model on the Model input (" + artifact + ") is not in the model"
                        + " registry; connect the output of a Fine-tune, Quantize or Model step"));
    }

    private static void log(TaskContext context, TestReport report) {
        context.log(String.format(Locale.ROOT, "passed %d of %d (pass rate %.1f %%); test run %d", report.metrics()
                .passed(), report.metrics().cases(), 100 * report.metrics().passRate(), report.run().id()));
        ClassificationMetrics classification = report.metrics().classification();
        if (classification != null) {
            context.log(String.format(Locale.ROOT, "classification over %d cases: accuracy %.3f, macro F1 %.3f,"
                    + " micro F1 %.3f", classification.count(), classification.accuracy(), classification.macroF1(),
                    classification.microF1()));
        }
        report.results().stream().filter(r -> !r.passed()).limit(FAILURES_LOGGED).forEach(r -> context.log(
                "case " + r.position() + " failed (" + r.assertion() + "): " + r.reason()));
    }

    private static String cases(int count) {
        return count == 1 ? "1 case" : count + " cases";
    }

    @Override
    public int maxAttempts() {
        return 2;
    }

    @Override
    public Duration timeout() {
        return Duration.ofMinutes(30);
    }
}
