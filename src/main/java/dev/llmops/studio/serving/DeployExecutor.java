package dev.llmops.studio.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmops.studio.registry.ModelRegistryService;
import dev.llmops.studio.registry.ModelVersionInfo;
import dev.llmops.studio.run.NodeExecutor;
import dev.llmops.studio.run.RunService;
import dev.llmops.studio.run.StepSettingsException;
import dev.llmops.studio.run.TaskContext;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The Deploy step: puts the model it receives on an endpoint (a new one, or beside the running version so the
 * switch has no downtime, or as a canary) and succeeds once the new version serves. It reads the database, so it
 * runs on the server's embedded worker only. The run's starter is the deployer: whoever may run the pipeline may
 * deploy what it built.
 */
@Component
class DeployExecutor implements NodeExecutor {

    private static final Duration REGISTRATION_WAIT = Duration.ofMinutes(2);
    private static final Duration READY_WAIT = Duration.ofMinutes(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EndpointService endpoints;
    private final ModelRegistryService registry;
    /** Lazily: the run service needs the executors, this one among them. */
    private final ObjectProvider<RunService> runs;

    DeployExecutor(EndpointService endpoints, ModelRegistryService registry, ObjectProvider<RunService> runs) {
        this.endpoints = endpoints;
        this.registry = registry;
        this.runs = runs;
    }

    @Override
    public String nodeType() {
        return "deploy";
    }

    @Override
    public void execute(TaskContext context) throws Exception {
        Map<String, Object> params = context.params();
        String endpoint = String.valueOf(params.getOrDefault("endpointName", "")).trim();
        if (!EndpointService.NAME.matcher(endpoint).matches()) {
            throw new StepSettingsException("endpoint name “" + endpoint + "” is not valid: use 1 to 63 lower-case"
                    + " letters, digits and dashes, e.g. support-assistant");
        }
        int replicas = context.intParam("replicas", 1);
        int maxBatchSize = context.intParam("maxBatchSize", 8);
        int canaryPercent = context.intParam("canaryPercent", 0);
        ModelVersionInfo version = registeredVersion(context);
        EndpointSettings settings = endpoints.infoOf(endpoint).map(EndpointInfo::settings)
                .orElse(EndpointSettings.defaults());
        settings = settings.withReplicas(replicas, Math.max(replicas, settings.maxReplicas()))
                .withBatching(maxBatchSize, settings.maxBatchDelayMs());
        String actor = runs.getObject().startedBy(context.runId());
        context.log("deploying " + version.label() + " to endpoint " + endpoint + (canaryPercent > 0
                ? " as a canary for " + canaryPercent + " % of the traffic" : "") + " for " + actor);
        endpoints.deployFromPipeline(new DeployCommand(endpoint, version.modelName(), version.version(),
                canaryPercent, settings), actor);
        waitUntilServing(context, endpoint, version);

        ObjectNode output = JSON.createObjectNode().put("endpoint", endpoint).put("model", version.modelName())
                .put("version", version.version()).put("canaryPercent", canaryPercent).put("api", "/v1");
        context.output("endpoint", new ByteArrayInputStream(JSON.writeValueAsBytes(output)));
        context.progress(1.0);
    }

    /** The registry registers a step's model when the step succeeds; this step may start a moment before. */
    private ModelVersionInfo registeredVersion(TaskContext context) throws InterruptedException {
        String artifact = context.inputs().get("model");
        return registry.awaitByArtifact(artifact, REGISTRATION_WAIT, context::cancelRequested).orElseThrow(() ->
                new StepSettingsException("the model on the input (" + artifact + ") is not in the model registry;"
                        + " connect the output of a Fine-tune, Quantize or Model step"));
    }

    private void waitUntilServing(TaskContext context, String endpoint, ModelVersionInfo version)
            throws InterruptedException {
        long deadline = System.nanoTime() + READY_WAIT.toNanos();
        String lastStatus = "";
        while (true) {
            EndpointInfo info = endpoints.infoOf(endpoint).orElseThrow();
            boolean serving = info.deployments().stream().anyMatch(d -> d.modelVersionId() == version.id()
                    && d.state() == DeploymentState.ACTIVE && d.trafficPercent() > 0) && info.readyReplicas() > 0;
            String status = info.status() + ", " + info.readyReplicas() + " of " + info.wantedReplicas()
                    + " replica(s) ready";
            if (!status.equals(lastStatus)) {
                context.log(status);
                lastStatus = status;
            }
            if (serving) {
                context.log(version.label() + " serves on " + endpoint + ": POST /v1/chat/completions with model \""
                        + endpoint + "\"");
                return;
            }
            if (info.status() == EndpointStatus.FAILED) {
                throw new IllegalStateException("the endpoint's replicas keep failing; see the endpoint's activity");
            }
            if (System.nanoTime() > deadline || context.cancelRequested()) {
                throw new IllegalStateException(version.label() + " did not become ready on " + endpoint + " within "
                        + READY_WAIT.toMinutes() + " minutes (" + status + ")");
            }
            context.progress(0.2 + 0.7 * info.readyReplicas() / Math.max(1.0, info.wantedReplicas()));
            Thread.sleep(500);
        }
    }

    @Override
    public int maxAttempts() {
        return 2;
    }

    @Override
    public Duration timeout() {
        return Duration.ofMinutes(15);
    }
}
