package dev.llmops.studio.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.studio.model.ServingTestModels;
import dev.llmops.studio.registry.ModelVersionInfo;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.Users;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestPropertySource;

/**
 * Canary rollouts over real HTTP: the traffic split the canary gets, promoting it, rolling it back by hand, and the
 * autoscaler rolling back a canary whose weights are broken.
 */
@H2Test
@TestPropertySource(properties = "studio.serving.autoscale.interval=1s")
class CanaryRolloutTest {

    private static final ServingTestModels.Exchange HELLO = ServingTestModels.GREETING;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    private ServingFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new ServingFixture(context);
    }

    /** An endpoint serving v1 with v2 (of the same model) as a canary that is ready and takes its share. */
    private record Canary(String endpoint, ModelVersionInfo stable, ModelVersionInfo canary, long stableId,
                          long canaryId, ServingFixture.Client client) {
    }

    private Canary canary(Path canaryPackage, int percent, EndpointSettings settings) {
        String endpoint = ServingFixture.endpointName("canary");
        String model = Users.uniqueName("canary-model");
        ModelVersionInfo v1 = fixture.registerTrained(model);
        ModelVersionInfo v2 = fixture.register(model, canaryPackage);
        assertThat(v2.version()).isEqualTo(v1.version() + 1);
        fixture.deploy(endpoint, v1, 0, settings);
        String key = fixture.key(endpoint, null, null);
        fixture.awaitServing(endpoint, v1);
        fixture.deploy(endpoint, v2, percent, null);
        EndpointInfo info = fixture.await(endpoint, Duration.ofSeconds(90), i -> i.status() == EndpointStatus.READY
                && i.canary().filter(c -> c.modelVersionId() == v2.id() && c.trafficPercent() == percent).isPresent());
        DeploymentInfo stable = info.stable().orElseThrow();
        assertThat(stable.modelVersionId()).isEqualTo(v1.id());
        assertThat(stable.trafficPercent()).isEqualTo(100 - percent);
        assertThat(fixture.events(endpoint, "canary")).extracting(EndpointEvent::message)
                .anyMatch(m -> m.contains(v2.label() + " is ready and takes " + percent + " % of the traffic"));
        return new Canary(endpoint, v1, v2, stable.id(), info.canary().orElseThrow().id(),
                new ServingFixture.Client(port, key, endpoint));
    }

    private static ServingFixture.Answer hello(Canary canary, int maxTokens) {
        return canary.client().chat(HELLO.user(), maxTokens, 0.0);
    }

    @Test
    void aTenPercentCanaryAnswersTenPercentOfAThousandRequests() {
        Canary canary = canary(ServingTestModels.trainedTinyPackage(), 10, null);

        List<ServingFixture.Answer> answers = ServingFixture.Client.send(1000, 4, () -> hello(canary, 1));

        assertThat(answers).as("every request answered").allMatch(ServingFixture.Answer::ok);
        Map<Long, Long> answered = fixture.answeredByDeployment(canary.endpoint(), 1000);
        assertThat(answered.keySet()).containsExactlyInAnyOrder(canary.stableId(), canary.canaryId());
        assertThat(answered.get(canary.stableId()) + answered.get(canary.canaryId())).isEqualTo(1000);
        // smooth weighted round robin makes it exactly 100; the tolerance is what a rollout promises
        assertThat(answered.get(canary.canaryId())).as("requests the canary answered").isBetween(70L, 130L);
    }

    @Test
    void promotingTheCanaryGivesItAllTrafficAndStopsTheOldVersion() {
        Canary canary = canary(ServingTestModels.trainedTinyPackage(), 10, null);
        assertThat(ServingFixture.Client.send(20, 2, () -> hello(canary, 1))).allMatch(ServingFixture.Answer::ok);

        EndpointInfo promoted = fixture.promote(canary.endpoint());

        assertThat(promoted.deployments()).singleElement().satisfies(d -> {
            assertThat(d.id()).isEqualTo(canary.canaryId());
            assertThat(d.state()).isEqualTo(DeploymentState.ACTIVE);
            assertThat(d.trafficPercent()).isEqualTo(100);
        });
        assertThat(fixture.history(canary.endpoint())).filteredOn(d -> d.id() == canary.stableId()).singleElement()
                .satisfies(d -> {
                    assertThat(d.state()).isEqualTo(DeploymentState.RETIRED);
                    assertThat(d.trafficPercent()).isZero();
                    assertThat(d.retiredAt()).isNotNull();
                });
        assertThat(fixture.events(canary.endpoint(), "promote")).singleElement()
                .satisfies(e -> assertThat(e.message()).contains(canary.canary().label() + " promoted to all traffic"));
        fixture.awaitTrue(canary.endpoint(), "the old version's replicas to drain and stop", Duration.ofSeconds(30),
                () -> fixture.replicasOf(canary.endpoint(), canary.stableId()).stream()
                        .allMatch(r -> r.state() == ReplicaState.STOPPED && r.endedAt() != null));
        assertThat(fixture.replicasOf(canary.endpoint(), canary.stableId())).isNotEmpty();
        fixture.await(canary.endpoint(), Duration.ofSeconds(30), i -> i.status() == EndpointStatus.READY);

        assertThat(ServingFixture.Client.send(30, 3, () -> hello(canary, 1))).allMatch(ServingFixture.Answer::ok);
        fixture.awaitTrue(canary.endpoint(), "50 requests logged", Duration.ofSeconds(30),
                () -> fixture.requestLog(canary.endpoint()).size() == 50);
        List<LoggedRequest> log = fixture.requestLog(canary.endpoint());
        assertThat(log.subList(20, 50)).as("after promotion only the promoted version answers")
                .allMatch(r -> r.deploymentId() == canary.canaryId() && r.status() == 200);
    }

    @Test
    void rollingBackByHandDropsTheCanary() {
        Canary canary = canary(ServingTestModels.trainedTinyPackage(), 10, null);

        EndpointInfo rolledBack = fixture.rollback(canary.endpoint());

        assertThat(rolledBack.deployments()).singleElement().satisfies(d -> {
            assertThat(d.id()).isEqualTo(canary.stableId());
            assertThat(d.state()).isEqualTo(DeploymentState.ACTIVE);
            assertThat(d.trafficPercent()).isEqualTo(100);
        });
        assertThat(fixture.history(canary.endpoint())).filteredOn(d -> d.id() == canary.canaryId()).singleElement()
                .satisfies(d -> assertThat(d.state()).isEqualTo(DeploymentState.RETIRED));
        assertThat(fixture.events(canary.endpoint(), "rollback")).singleElement().satisfies(e -> {
            assertThat(e.message()).contains("Rolled back to " + canary.stable().label())
                    .contains(canary.canary().label()).contains("by " + fixture.engineer);
            assertThat(e.actor()).isEqualTo(fixture.engineer);
        });
        fixture.awaitTrue(canary.endpoint(), "the canary's replicas to stop", Duration.ofSeconds(30),
                () -> fixture.replicasOf(canary.endpoint(), canary.canaryId()).stream()
                        .allMatch(r -> r.state() == ReplicaState.STOPPED));

        assertThat(ServingFixture.Client.send(30, 3, () -> hello(canary, 1))).allMatch(ServingFixture.Answer::ok);
        assertThat(fixture.answeredByDeployment(canary.endpoint(), 30)).containsExactly(
                Map.entry(canary.stableId(), 30L));
    }

    @Test
    void aCanaryWithBrokenWeightsIsRolledBackAutomatically() {
        Canary canary = canary(ServingTestModels.brokenTinyPackage(), 50,
                EndpointSettings.defaults().withRollbackErrorRate(0.2));

        List<ServingFixture.Answer> answers = ServingFixture.Client.send(30, 1, () -> hello(canary, 8));

        List<ServingFixture.Answer> failed = answers.stream().filter(a -> !a.ok()).toList();
        assertThat(failed).as("the broken canary's answers").hasSizeGreaterThanOrEqualTo(Autoscaler.CANARY_MIN_REQUESTS)
                .allSatisfy(a -> {
                    assertThat(a.status()).isEqualTo(500);
                    assertThat(a.error()).contains("the model failed").contains("non-finite");
                });
        assertThat(answers).filteredOn(ServingFixture.Answer::ok).isNotEmpty()
                .allSatisfy(a -> assertThat(HELLO.assistant()).startsWith(a.content()));
        fixture.awaitTrue(canary.endpoint(), "30 requests logged", Duration.ofSeconds(30),
                () -> fixture.requestLog(canary.endpoint()).size() == 30);
        List<LoggedRequest> log = fixture.requestLog(canary.endpoint());
        assertThat(log).filteredOn(r -> r.status() == 500).as("server errors come from the canary only")
                .allMatch(r -> r.deploymentId() == canary.canaryId());

        EndpointInfo rolledBack = fixture.await(canary.endpoint(), Duration.ofSeconds(30),
                i -> i.deployments().size() == 1 && i.deployments().get(0).id() == canary.stableId());
        assertThat(rolledBack.deployments().get(0).trafficPercent()).isEqualTo(100);
        assertThat(fixture.events(canary.endpoint(), "rollback")).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("autoscaler");
            assertThat(e.message()).contains("Rolled back to " + canary.stable().label())
                    .contains("canary " + canary.canary().label() + " failed").contains("threshold 20 %");
        });
        assertThat(fixture.history(canary.endpoint())).filteredOn(d -> d.id() == canary.canaryId()).singleElement()
                .satisfies(d -> assertThat(d.state()).isEqualTo(DeploymentState.RETIRED));

        assertThat(ServingFixture.Client.send(20, 2, () -> hello(canary, 8))).as("after the rollback")
                .allSatisfy(a -> {
                    assertThat(a.status()).isEqualTo(200);
                    assertThat(a.content()).isEqualTo(HELLO.assistant().substring(0, a.content().length()))
                            .isNotEmpty();
                });
    }
}
