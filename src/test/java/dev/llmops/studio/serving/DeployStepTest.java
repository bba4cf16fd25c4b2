package dev.llmops.studio.serving;

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
import dev.llmops.studio.run.TaskLog;
import dev.llmops.studio.security.AuditLog;
import dev.llmops.studio.security.AuditQuery;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.RunWait;
import dev.llmops.studio.support.ScriptedExecutors;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.support.Users;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.test.context.TestPropertySource;

/**
 * A domain expert's pipeline trains a model and its Deploy step puts it on an endpoint: the step succeeds once
 * the version serves, the deployment is audited under the expert's name, while the same expert may not deploy
 * by hand (that is an ML engineer's right).
 */
@H2Test
@TestPropertySource(properties = ScriptedExecutors.REAL_MODEL_STEPS)
class DeployStepTest {

    @Autowired
    PipelineService pipelines;
    @Autowired
    RunService runs;
    @Autowired
    EndpointService endpoints;
    @Autowired
    AuditLog audit;
    @Autowired
    Users users;

    @Test
    void aPipelinesDeployStepPutsTheModelItTrainedOnAnEndpoint() throws Exception {
        String expert = users.create("deploying-expert", Role.DOMAIN_EXPERT);
        String modelName = Users.uniqueName("deployed-model");
        String endpoint = Users.uniqueName("support").toLowerCase();
        Map<String, Object> quick = Map.of("method", "from-scratch", "preset", "tiny", "epochs", 1, "maxLength", 96,
                "evalEvery", 50, "earlyStoppingPatience", 0, "modelName", modelName);
        PipelineGraph graph = new PipelineGraph(null, List.of(
                new GraphNode("data", "dataset-upload", "Support replies", 0, 0, Map.of("dataset", "support-replies")),
                new GraphNode("train", "fine-tune", "Fine-tune", 260, 0, quick),
                new GraphNode("deploy", "deploy", "Deploy", 520, 0, Map.of("endpointName", endpoint))),
                List.of(new GraphEdge("e1", "data", "dataset", "train", "dataset"),
                        new GraphEdge("e2", "train", "model", "deploy", "model")));
        long runId = as(expert, () -> runs.start(pipelines.create(Users.uniqueName("deploying"), null, graph, null)
                .id(), RunTrigger.API).id());

        RunDetail done = RunWait.finished(runs, expert, Role.DOMAIN_EXPERT, runId, Duration.ofMinutes(4));
        String log = as(expert, () -> done.tasks().stream().flatMap(t -> runs.log(t.id(), 0, 1000).stream())
                .map(TaskLog::line).collect(Collectors.joining("\n")));
        assertThat(done.summary().status()).as(log).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(log).contains("deploying " + modelName + " v1 to endpoint " + endpoint + " for " + expert)
                .contains(modelName + " v1 serves on " + endpoint);

        EndpointInfo info = as(expert, () -> endpoints.get(endpoint));
        assertThat(info.status()).isEqualTo(EndpointStatus.READY);
        assertThat(info.stable()).hasValueSatisfying(d -> assertThat(d.label()).isEqualTo(modelName + " v1"));
        assertThat(info.createdBy()).isEqualTo(expert);
        assertThat(SignedIn.as("auditor", List.of(Role.ADMIN), () -> audit.count(new AuditQuery(expert,
                "endpoint.deployed", endpoint, null, null)))).isEqualTo(1);

        assertThatThrownBy(() -> as(expert, () -> endpoints.deploy(new DeployCommand(endpoint + "-by-hand",
                modelName, 1, 0, null)))).isInstanceOf(AccessDeniedException.class);
    }

    private static <T> T as(String user, Callable<T> action) {
        return SignedIn.as(user, List.of(Role.DOMAIN_EXPERT), action);
    }
}
