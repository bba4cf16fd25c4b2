package dev.llmops.studio.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.studio.model.ServingTestModels;
import dev.llmops.studio.registry.ModelVersionInfo;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.Users;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestPropertySource;

/**
 * The autoscaler adds replicas while requests queue up and removes them, one at a time, once it has been quiet for
 * the quiet period; every decision is in the endpoint's activity with its reason, as the endpoint page shows it.
 */
@H2Test
@TestPropertySource(properties = {"studio.serving.autoscale.interval=1s", "studio.serving.autoscale.quiet-period=2s",
        "studio.serving.spread-grace=1s"})
class AutoscalerTest {

    private static final Pattern SCALE_UP = Pattern.compile("Scale up (.+) from (\\d+) to (\\d+): (\\d+) request\\(s\\)"
            + " waiting or running \\((\\d+) queued\\) for (\\d+) ready replica\\(s\\) at 1 per batch, ([\\d,]+) tokens"
            + " still to generate \\(4,096 per replica\\)");

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    @Test
    void replicasFollowTheLoadAndEveryDecisionIsLoggedWithItsReason() {
        ServingFixture fixture = new ServingFixture(context);
        String endpoint = ServingFixture.endpointName("autoscaled");
        // the untrained model rarely ends early, so every request keeps its replica busy for its 200 tokens
        ModelVersionInfo version = fixture.register(Users.uniqueName("autoscaled-model"),
                ServingTestModels.randomTinyPackage());
        fixture.deploy(endpoint, version, 0, EndpointSettings.defaults().withReplicas(1, 3).withBatching(1, 0));
        ServingFixture.Client client = new ServingFixture.Client(port, fixture.key(endpoint, null, null), endpoint);
        long deployment = fixture.awaitServing(endpoint, version).deployments().get(0).id();
        assertThat(fixture.events(endpoint, "scale")).as("no decision without load").isEmpty();

        List<ServingFixture.Answer> answers;
        try (ServingFixture.Load load = new ServingFixture.Load(12,
                () -> client.chat("Tell me a long story.", 200, 1.0))) {
            EndpointInfo scaled = fixture.await(endpoint, Duration.ofSeconds(120),
                    i -> i.wantedReplicas() == 3 && i.readyReplicas() == 3);
            assertThat(scaled.status()).isEqualTo(EndpointStatus.READY);
            assertThat(fixture.replicasOf(endpoint, deployment)).filteredOn(r -> r.state() == ReplicaState.READY)
                    .hasSize(3);
            answers = load.stop();
        }
        assertThat(answers).isNotEmpty().allSatisfy(a -> assertThat(a.status()).as("%s", a).isEqualTo(200));

        List<EndpointEvent> ups = oldestFirst(fixture.events(endpoint, "scale")).stream()
                .filter(e -> e.message().startsWith("Scale up")).toList();
        assertThat(ups).as("scale-ups, oldest first").isNotEmpty().allSatisfy(e -> {
            assertThat(e.actor()).isEqualTo("autoscaler");
            Matcher up = SCALE_UP.matcher(e.message());
            assertThat(up.matches()).as("reason given: %s", e.message()).isTrue();
            assertThat(up.group(1)).isEqualTo(version.label());
            assertThat(Integer.parseInt(up.group(3))).isGreaterThan(Integer.parseInt(up.group(2)))
                    .isLessThanOrEqualTo(3);
            assertThat(Integer.parseInt(up.group(4))).as("requests seen").isGreaterThan(Integer.parseInt(up.group(2)));
        });
        Matcher first = SCALE_UP.matcher(ups.get(0).message());
        assertThat(first.matches()).isTrue();
        assertThat(first.group(2)).as("the first decision starts from the minimum").isEqualTo("1");
        assertThat(first.group(6)).as("ready replicas when it was taken").isEqualTo("1");

        EndpointInfo quiet = fixture.await(endpoint, Duration.ofSeconds(60),
                i -> i.wantedReplicas() == 1 && i.readyReplicas() == 1);
        assertThat(quiet.status()).isEqualTo(EndpointStatus.READY);
        List<String> downs = oldestFirst(fixture.events(endpoint, "scale")).stream().map(EndpointEvent::message)
                .filter(m -> m.startsWith("Scale down")).toList();
        // the last requests may still be finishing when the first step down is taken
        String reason = " after 2 s with at most %s replica\\(s\\) needed: %s request\\(s\\) waiting or running"
                + " \\(\\d+ queued\\) for %d ready replica\\(s\\) at 1 per batch, [\\d,]+ tokens still to"
                + " generate \\(4,096 per replica\\)";
        String label = Pattern.quote(version.label());
        assertThat(downs).as("one step at a time, each after the quiet period").hasSize(2);
        assertThat(downs.get(0))
                .matches("Scale down " + label + " from 3 to 2" + reason.formatted("[12]", "[0-2]", 3));
        assertThat(downs.get(1))
                .matches("Scale down " + label + " from 2 to 1" + reason.formatted("1", "[01]", 2));
        fixture.awaitTrue(endpoint, "the removed replicas to drain and stop", Duration.ofSeconds(30),
                () -> fixture.replicasOf(endpoint, deployment).stream()
                        .filter(r -> r.state() == ReplicaState.STOPPED).count() == 2);
        assertThat(fixture.replicasOf(endpoint, deployment)).extracting(ReplicaInfo::state)
                .containsExactlyInAnyOrder(ReplicaState.READY, ReplicaState.STOPPED, ReplicaState.STOPPED);
    }

    private static List<EndpointEvent> oldestFirst(List<EndpointEvent> newestFirst) {
        List<EndpointEvent> events = new java.util.ArrayList<>(newestFirst);
        java.util.Collections.reverse(events);
        return events;
    }
}
