package dev.llmops.studio.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.llmops.studio.model.ServingTestModels;
import dev.llmops.studio.registry.ModelVersionInfo;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.Users;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

/**
 * A client keeps sending requests while a new version replaces the serving one and is then rolled back: every
 * request is answered, by the old version, the new one, and the old one again.
 */
@H2Test
class ZeroDowntimeRedeployTest {

    private static final ServingTestModels.Exchange HELLO = ServingTestModels.GREETING;
    private static final int MAX_TOKENS = 12;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    @Test
    void replacingAndRollingBackAVersionUnderLoadFailsNoRequest() {
        ServingFixture fixture = new ServingFixture(context);
        String endpoint = ServingFixture.endpointName("redeploy");
        String model = Users.uniqueName("redeploy-model");
        ModelVersionInfo v1 = fixture.registerTrained(model);
        ModelVersionInfo v2 = fixture.registerTrained(model);
        fixture.deploy(endpoint, v1, 0, null);
        ServingFixture.Client client = new ServingFixture.Client(port, fixture.key(endpoint, null, null), endpoint);
        long first = fixture.awaitServing(endpoint, v1).deployments().get(0).id();

        List<ServingFixture.Answer> answers;
        long second;
        long third;
        try (ServingFixture.Load load = new ServingFixture.Load(2, () -> client.chat(HELLO.user(), MAX_TOKENS, 0.0))) {
            load.awaitMore(10, Duration.ofSeconds(60));

            fixture.deploy(endpoint, v2, 0, null);
            second = fixture.awaitServing(endpoint, v2).deployments().get(0).id();
            load.awaitMore(10, Duration.ofSeconds(60));

            fixture.rollback(endpoint);
            third = fixture.awaitServing(endpoint, v1).deployments().get(0).id();
            load.awaitMore(10, Duration.ofSeconds(60));
            answers = load.stop();
        }

        assertThat(answers).as("answers while redeploying").hasSizeGreaterThanOrEqualTo(30)
                .allSatisfy(a -> {
                    assertThat(a.status()).as("status of %s", a).isEqualTo(200);
                    assertThat(a.content()).isEqualTo(HELLO.assistant().substring(0, MAX_TOKENS));
                });
        Map<Long, Long> answered = fixture.answeredByDeployment(endpoint, answers.size());
        assertThat(answered.keySet()).as("v1, then v2, then v1 again answered")
                .containsExactlyInAnyOrder(first, second, third);
        assertThat(answered.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(answers.size());

        EndpointInfo end = fixture.get(endpoint);
        assertThat(end.deployments()).singleElement().satisfies(d -> {
            assertThat(d.modelVersionId()).isEqualTo(v1.id());
            assertThat(d.trafficPercent()).isEqualTo(100);
        });
        assertThat(fixture.history(endpoint)).extracting(DeploymentInfo::id, DeploymentInfo::modelVersionId,
                        DeploymentInfo::state)
                .containsExactly(tuple(third, v1.id(), DeploymentState.ACTIVE),
                        tuple(second, v2.id(), DeploymentState.RETIRED),
                        tuple(first, v1.id(), DeploymentState.RETIRED));
        assertThat(fixture.events(endpoint)).extracting(EndpointEvent::message)
                .anyMatch(m -> m.equals(v2.label() + " is ready and takes all traffic; " + v1.label()
                        + " was replaced without downtime"))
                .anyMatch(m -> m.startsWith("Rolling back to " + v1.label() + " by " + fixture.engineer))
                .anyMatch(m -> m.equals(v1.label() + " is ready and takes all traffic; " + v2.label()
                        + " was replaced without downtime"));
        fixture.awaitTrue(endpoint, "the replaced versions' replicas to stop", Duration.ofSeconds(30),
                () -> fixture.replicas(endpoint).stream().filter(r -> r.deploymentId() != third)
                        .allMatch(r -> r.state() == ReplicaState.STOPPED));
    }

    /** Replicas batch as they were started, so a new batch size starts the version again beside itself. */
    @Test
    void changingTheBatchSizeRestartsTheVersionWithoutFailingARequest() {
        ServingFixture fixture = new ServingFixture(context);
        String endpoint = ServingFixture.endpointName("rebatch");
        ModelVersionInfo v1 = fixture.registerTrained(Users.uniqueName("rebatch-model"));
        fixture.deploy(endpoint, v1, 0, null);
        ServingFixture.Client client = new ServingFixture.Client(port, fixture.key(endpoint, null, null), endpoint);
        long first = fixture.awaitServing(endpoint, v1).deployments().get(0).id();

        List<ServingFixture.Answer> answers;
        try (ServingFixture.Load load = new ServingFixture.Load(2, () -> client.chat(HELLO.user(), MAX_TOKENS, 0.0))) {
            load.awaitMore(5, Duration.ofSeconds(60));
            EndpointSettings smaller = fixture.get(endpoint).settings().withBatching(2, 0);
            fixture.as(() -> context.getBean(EndpointService.class).updateSettings(endpoint, smaller));
            EndpointInfo restarted = fixture.await(endpoint, Duration.ofSeconds(90), info ->
                    info.status() == EndpointStatus.READY && info.deployments().size() == 1
                            && info.deployments().get(0).id() != first);
            assertThat(restarted.deployments().get(0).modelVersionId()).isEqualTo(v1.id());
            assertThat(restarted.settings().maxBatchSize()).isEqualTo(2);
            load.awaitMore(5, Duration.ofSeconds(60));
            answers = load.stop();
        }

        assertThat(answers).allSatisfy(a -> assertThat(a.status()).as("status of %s", a).isEqualTo(200));
        assertThat(fixture.events(endpoint)).extracting(EndpointEvent::message)
                .anyMatch(m -> m.startsWith("Restarting " + v1.label() + " with the new batching"));
    }
}
