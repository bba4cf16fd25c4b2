package dev.llmops.studio.registry;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.llmops.studio.pipeline.GraphEdge;
import dev.llmops.studio.pipeline.GraphNode;
import dev.llmops.studio.pipeline.PipelineGraph;
import dev.llmops.studio.pipeline.PipelineService;
import dev.llmops.studio.pipeline.PipelineTemplates;
import dev.llmops.studio.platform.ConflictException;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.run.RunDetail;
import dev.llmops.studio.run.RunService;
import dev.llmops.studio.run.RunStatus;
import dev.llmops.studio.run.RunTrigger;
import dev.llmops.studio.security.AuditLog;
import dev.llmops.studio.security.AuditQuery;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.support.BrowserSupport;
import dev.llmops.studio.support.BrowserSupport.UserSession;
import dev.llmops.studio.support.FileBytes;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.Http;
import dev.llmops.studio.support.RunWait;
import dev.llmops.studio.support.ScriptedExecutors;
import dev.llmops.studio.support.ScriptedModelUsage;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.support.Users;
import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.test.context.TestPropertySource;

/**
 * Models trained by a real run are registered with their lineage and metrics; an engineer compares two versions
 * side by side in the browser and promotes one to production; downloads and promotions are audited and need
 * their own permissions.
 */
@H2Test
@TestPropertySource(properties = ScriptedExecutors.REAL_MODEL_STEPS)
class ModelRegistryTest {

    @LocalServerPort
    int port;
    @Autowired
    PipelineService pipelines;
    @Autowired
    PipelineTemplates templates;
    @Autowired
    RunService runs;
    @Autowired
    ModelRegistryService registry;
    @Autowired
    AuditLog audit;
    @Autowired
    Users users;
    @org.springframework.beans.factory.annotation.Value("${studio.vault.dir}")
    java.nio.file.Path vault;

    @Test
    void trainedModelsAreRegisteredComparedAndPromoted() throws Exception {
        String engineer = users.create("registry-engineer", Role.ML_ENGINEER);
        String expert = users.create("registry-expert", Role.DOMAIN_EXPERT);
        // the demo template, its Fine-tune shortened, run up to its Quantize step: an fp32 and an int8 version
        String modelName = Users.uniqueName("support-model");
        PipelineGraph template = templates.get("fine-tune-and-deploy").graph();
        PipelineGraph graph = new PipelineGraph(null, template.nodes().stream()
                .map(n -> n.id().equals("finetune") ? quick(n, modelName) : n).toList(), template.edges());
        long pipelineId = as(engineer, () -> pipelines.create(Users.uniqueName("demo"), null, graph, null).id());
        long runId = as(engineer, () -> runs.start(pipelineId, RunTrigger.MANUAL, "quantize").id());
        RunDetail done = RunWait.finished(runs, engineer, Role.ML_ENGINEER, runId, Duration.ofMinutes(4));
        Assertions.assertThat(done.summary().status()).isEqualTo(RunStatus.SUCCEEDED);

        List<ModelVersionInfo> versions = awaitVersions(engineer, modelName, 2);
        Assertions.assertThat(versions).extracting(ModelVersionInfo::version).containsExactly(2, 1);
        Assertions.assertThat(versions).allSatisfy(v -> {
            Assertions.assertThat(v.runId()).isEqualTo(runId);
            Assertions.assertThat(v.method()).isEqualTo("from-scratch");
            Assertions.assertThat(v.datasetArtifact()).startsWith("sha256:");
            Assertions.assertThat(v.validationLoss()).isBetween(1.0, 5.0);
            Assertions.assertThat(v.createdBy()).isEqualTo(engineer);
        });
        ModelVersionInfo fp32 = versions.get(1);
        ModelVersionInfo int8 = versions.get(0);
        Assertions.assertThat(fp32.quantization()).isEqualTo("none");
        Assertions.assertThat(fp32.nodeId()).isEqualTo("finetune");
        Assertions.assertThat(int8.quantization()).isEqualTo("int8");
        Assertions.assertThat(int8.nodeId()).isEqualTo("quantize");
        Assertions.assertThat(int8.baseVersion()).as("lineage: quantized from the fine-tuned version")
                .isEqualTo(modelName + " v1");
        Assertions.assertThat((double) int8.sizeBytes() / fp32.sizeBytes()).isLessThan(0.35);
        String card = as(engineer, () -> registry.card(modelName, 1));
        Assertions.assertThat(card).startsWith("# " + modelName + " v1").contains("## Intended use")
                .contains("## Limitations").contains("validation loss (kept weights)").contains("learningRate");

        try (BrowserSupport browser = new BrowserSupport(port); UserSession session = browser.newSession()) {
            Page page = session.page;
            session.signInExpectingSuccess(engineer, Users.PASSWORD);
            session.open("/models");
            page.locator("#model-search input").fill(modelName);
            page.waitForTimeout(1000); // the search applies lazily (400 ms after typing): click the filtered row
            Locator row = page.locator("#models-grid vaadin-grid-cell-content").filter(
                    new Locator.FilterOptions().setHasText(modelName));
            assertThat(row).hasCount(1);
            session.screenshot("models-01-list");
            row.click();
            assertThat(page).hasURL(java.util.regex.Pattern.compile(".*/models/[^/]+$"));
            assertThat(page.locator("#model-title")).hasText(modelName);
            assertThat(page.locator("#model-card")).containsText("Intended use");
            session.screenshot("models-02-version");

            page.locator("#model-versions-grid vaadin-checkbox").nth(1).click();
            page.locator("#model-versions-grid vaadin-checkbox").nth(2).click();
            session.screenshot("models-02b-ticked");
            assertThat(page.locator("#compare-versions")).isEnabled();
            assertThat(page.locator("#compare-versions")).containsText("Compare 2 versions");
            page.locator("#compare-versions").click();
            assertThat(page.locator("#comparison-grid")).containsText("validation loss");
            assertThat(page.locator("#comparison-grid")).containsText("int8");
            assertThat(page.locator("#comparison-grid")).containsText("size vs fp32");
            assertThat(page.locator("#comparison-loss-chart svg text").filter(
                    new Locator.FilterOptions().setHasText("v1 val_loss"))).hasCount(1);
            session.screenshot("models-03-compare");

            page.locator("#model-versions-grid vaadin-grid-cell-content")
                    .filter(new Locator.FilterOptions().setHasText(java.util.regex.Pattern.compile("^v1$"))).first()
                    .click();
            assertThat(page.locator("#model-version-title")).hasText(modelName + " v1");
            page.locator("#promote-production").click();
            page.locator("#confirm-promotion vaadin-button[slot=confirm-button], vaadin-confirm-dialog-overlay "
                    + "vaadin-button[theme~=primary]").first().click();
            assertThat(page.locator("#model-versions-grid")).containsText("production");
            assertThat(page.locator("#promote-production")).isHidden();
            session.screenshot("models-04-promoted");
            page.locator("#model-versions-grid vaadin-grid-cell-content")
                    .filter(new Locator.FilterOptions().setHasText(java.util.regex.Pattern.compile("^v2$"))).first()
                    .click();
            assertThat(page.locator("#model-version-title")).hasText(modelName + " v2");
            page.locator("#model-version-tabs vaadin-tab", new Page.LocatorOptions().setHasText("Lineage")).click();
            assertThat(page.locator("#model-lineage")).containsText("Made by step “Quantize”");
            assertThat(page.locator("#model-lineage")).containsText("Based on " + modelName + " v1");
            assertThat(page.locator("#model-lineage")).containsText("Trained on dataset version sha256:");
            session.screenshot("models-05-lineage");
            Assertions.assertThat(session.consoleErrors).isEmpty();
        }
        Assertions.assertThat(as(engineer, () -> registry.version(modelName, 1)).aliases()).containsExactly("production");
        Assertions.assertThat(audit(engineer, "model.promoted")).isEqualTo(1);

        java.nio.file.Path downloaded = java.nio.file.Files.createTempFile("downloaded-", ".zip");
        try (InputStream weights = as(engineer, () -> registry.download(modelName, 2))) {
            java.nio.file.Files.copy(weights, downloaded, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Assertions.assertThat(java.nio.file.Files.size(downloaded)).isEqualTo(versions.get(0).sizeBytes());
        byte[] weightRow = weightBytes(downloaded);
        try (var stored = java.nio.file.Files.walk(vault)) {
            List<java.nio.file.Path> files = stored.filter(java.nio.file.Files::isRegularFile).toList();
            Assertions.assertThat(files).as("every registered version is in the vault").hasSizeGreaterThanOrEqualTo(2);
            Assertions.assertThat(files).as("no stored file holds a plaintext weight row")
                    .noneMatch(f -> FileBytes.contains(f, weightRow));
        }
        // the download is a Hugging Face folder: it imports back, recognised as byte-tokenized
        ModelVersionInfo imported = as(engineer, () -> registry.importHuggingFace(modelName + "-copy", downloaded,
                "downloaded.zip"));
        Assertions.assertThat(imported.sourceKind()).isEqualTo("IMPORT");
        Assertions.assertThat(imported.method()).isEqualTo("imported");
        Assertions.assertThat(imported.metadata().path("tokenizer").asText()).isEqualTo("byte");
        Assertions.assertThat(as(engineer, () -> registry.card(modelName + "-copy", 1))).contains("imported");
        Assertions.assertThat(audit(engineer, "model.downloaded")).isEqualTo(1);
        assertThatThrownBy(() -> as(expert, Role.DOMAIN_EXPERT, () -> registry.download(modelName, 2)))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> as(expert, Role.DOMAIN_EXPERT,
                () -> registry.setAlias(modelName, 2, ModelRegistryService.PRODUCTION)))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> as(engineer, () -> registry.setAlias(modelName, 2, "staging")))
                .isInstanceOf(InvalidRequestException.class);

        Http http = new Http(port);
        String engineerToken = users.tokenFor(engineer, Role.ML_ENGINEER);
        String expertToken = users.tokenFor(expert, Role.DOMAIN_EXPERT);
        Http.Response listed = http.get("/api/v1/models?search=" + modelName, expertToken);
        Assertions.assertThat(listed.status()).isEqualTo(200);
        com.fasterxml.jackson.databind.JsonNode model = java.util.stream.StreamSupport
                .stream(listed.json().spliterator(), false).filter(m -> m.path("name").asText().equals(modelName))
                .findFirst().orElseThrow();
        Assertions.assertThat(model.path("aliases").path("production").asInt()).isEqualTo(1);
        Assertions.assertThat(http.get("/api/v1/models/" + modelName + "/versions/1/card", expertToken).body())
                .startsWith("# " + modelName + " v1");
        Assertions.assertThat(http.get("/api/v1/models/" + modelName + "/versions/2/download", expertToken).status())
                .as("downloading weights is its own permission").isEqualTo(403);
        Http.Response zip = http.get("/api/v1/models/" + modelName + "/versions/2/download", engineerToken);
        Assertions.assertThat(zip.status()).isEqualTo(200);
        Assertions.assertThat(zip.header("Content-Disposition")).contains(modelName + "-v2.zip");
        Assertions.assertThat(audit(engineer, "model.downloaded")).isEqualTo(2);
        Assertions.assertThat(http.send("PUT", "/api/v1/models/" + modelName + "/aliases/production", expertToken,
                "{\"version\": 2}").status()).isEqualTo(403);
        Http.Response candidate = http.send("PUT", "/api/v1/models/" + modelName + "/aliases/candidate",
                engineerToken, "{\"version\": 2}");
        Assertions.assertThat(candidate.status()).isEqualTo(200);
        Assertions.assertThat(candidate.json().path("aliases").get(0).asText()).isEqualTo("candidate");

        ScriptedModelUsage.use(modelName, 2, "endpoint support-assistant");
        assertThatThrownBy(() -> as(engineer, () -> {
            registry.delete(modelName, 2);
            return null;
        })).isInstanceOf(ConflictException.class).hasMessageContaining("in use by endpoint support-assistant");
        ScriptedModelUsage.release(modelName, 2);
        as(engineer, () -> {
            registry.delete(modelName, 2);
            return null;
        });
        Assertions.assertThat(audit(engineer, "model.deleted")).isEqualTo(1);
        Assertions.assertThat(as(engineer, () -> registry.versions(modelName))).extracting(ModelVersionInfo::version)
                .containsExactly(1);
    }

    @Test
    void twoParallelStepsRegisterTheFirstVersionsOfANewModelWithoutLosingOne() throws Exception {
        String engineer = users.create("parallel-engineer", Role.ML_ENGINEER);
        String modelName = Users.uniqueName("parallel-model");
        Map<String, Object> quick = new HashMap<>(Map.of("method", "from-scratch", "preset", "tiny", "epochs", 1,
                "maxLength", 96, "evalEvery", 50, "earlyStoppingPatience", 0, "modelName", modelName));
        PipelineGraph graph = new PipelineGraph(null, List.of(
                new GraphNode("data", "dataset-upload", "Support replies", 0, 0, Map.of("dataset", "support-replies")),
                new GraphNode("left", "fine-tune", "Left", 260, 0, quick),
                new GraphNode("right", "fine-tune", "Right", 260, 200, quick)),
                List.of(new GraphEdge("e1", "data", "dataset", "left", "dataset"),
                        new GraphEdge("e2", "data", "dataset", "right", "dataset")));
        long pipelineId = as(engineer, () -> pipelines.create(Users.uniqueName("parallel"), null, graph, null).id());
        long runId = as(engineer, () -> runs.start(pipelineId, RunTrigger.API).id());
        Assertions.assertThat(RunWait.finished(runs, engineer, Role.ML_ENGINEER, runId, Duration.ofMinutes(3))
                .summary().status()).isEqualTo(RunStatus.SUCCEEDED);

        Assertions.assertThat(awaitVersions(engineer, modelName, 2)).extracting(ModelVersionInfo::nodeId)
                .containsExactlyInAnyOrder("left", "right");
    }

    /** 64 bytes of float weights from the middle of the package's model.safetensors. */
    private static byte[] weightBytes(java.nio.file.Path packageZip) throws Exception {
        try (var zip = new java.util.zip.ZipFile(packageZip.toFile())) {
            byte[] weights = zip.getInputStream(zip.getEntry("model.safetensors")).readAllBytes();
            return java.util.Arrays.copyOfRange(weights, weights.length / 2, weights.length / 2 + 64);
        }
    }

    private List<ModelVersionInfo> awaitVersions(String user, String modelName, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            List<ModelVersionInfo> found = as(user, () -> registry.list(modelName).isEmpty() ? List.of()
                    : registry.versions(modelName));
            if (found.size() >= count || System.nanoTime() > deadline) {
                return found;
            }
            Thread.sleep(200);
        }
    }

    private int audit(String user, String action) throws Exception {
        return SignedIn.as("auditor", List.of(Role.ADMIN), () -> audit.count(new AuditQuery(user, action, null,
                null, null)));
    }

    private static GraphNode quick(GraphNode fineTune, String modelName) {
        Map<String, Object> params = new HashMap<>(fineTune.params());
        params.putAll(Map.of("epochs", 1, "maxLength", 160, "evalEvery", 9, "modelName", modelName));
        return new GraphNode(fineTune.id(), fineTune.type(), fineTune.label(), fineTune.x(), fineTune.y(), params);
    }

    private static <T> T as(String user, Callable<T> action) throws Exception {
        return as(user, Role.ML_ENGINEER, action);
    }

    private static <T> T as(String user, Role role, Callable<T> action) throws Exception {
        return SignedIn.as(user, List.of(role), action);
    }
}
