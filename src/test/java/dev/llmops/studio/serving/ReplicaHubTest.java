package dev.llmops.studio.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A non-streaming request that a replica had half answered when it was lost is answered again, from the start, by
 * another replica: the client gets that answer alone, not the lost replica's half in front of it.
 */
class ReplicaHubTest {

    private static final long DEPLOYMENT = 10;

    /** What the gateway's sink received. */
    private static final class Recorded implements GenerationSink {
        final StringBuilder text = new StringBuilder();
        final List<String> ends = new ArrayList<>();

        @Override
        public synchronized void text(String delta) {
            text.append(delta);
        }

        @Override
        public synchronized void finished(String finishReason, int promptTokens, int completionTokens) {
            ends.add(finishReason + " " + promptTokens + "+" + completionTokens);
        }

        @Override
        public synchronized void failed(int status, String type, String message) {
            ends.add(status + " " + message);
        }
    }

    @Test
    void aRetriedRequestAnswersWithTheSecondReplicasTextOnly() throws InterruptedException {
        ReplicaHub hub = new ReplicaHub(Duration.ofSeconds(6), Duration.ofSeconds(60));
        List<RequestOutcome> outcomes = new ArrayList<>();
        hub.onOutcome(outcomes::add);
        hub.route(new ReplicaHub.EndpointRoute(1, "story", List.of(
                new ReplicaHub.DeploymentRoute(DEPLOYMENT, "story-model v1", 100))));
        hub.replicaReady(1, DEPLOYMENT, "story", "worker-a");
        hub.replicaReady(2, DEPLOYMENT, "story", "worker-b");
        Recorded sink = new Recorded();
        ReplicaRequest request = new ReplicaRequest("cmpl-1", "Once upon a time", null, 0, 1, 16, List.of(), 7);

        hub.submit("story", request, false, null, sink);
        assertThat(hub.take(1, 8, Duration.ZERO).requests()).containsExactly(request);
        hub.events(1, List.of(ReplicaEvent.text("cmpl-1", " there was", 3)));
        hub.forget(1); // the replica reported that it failed, or stopped: what it held goes elsewhere

        assertThat(hub.take(2, 8, Duration.ZERO).requests()).as("retried on the other replica").containsExactly(request);
        hub.events(2, List.of(ReplicaEvent.text("cmpl-1", " there was a robot", 5),
                ReplicaEvent.finished("cmpl-1", "stop", 4, 5)));

        assertThat(sink.ends).containsExactly("stop 4+5");
        assertThat(sink.text.toString()).isEqualTo(" there was a robot");
        assertThat(outcomes).singleElement().satisfies(outcome -> {
            assertThat(outcome.status()).isEqualTo(200);
            assertThat(outcome.response()).as("what the request log keeps").isEqualTo(" there was a robot");
            assertThat(outcome.completionTokens()).isEqualTo(5);
        });
    }

    @Test
    void aReplicaTakesOnlyWhatItHasRoomForAndAReplicaAddedLaterTakesTheRest() throws InterruptedException {
        ReplicaHub hub = new ReplicaHub(Duration.ofSeconds(6), Duration.ofSeconds(60));
        hub.route(new ReplicaHub.EndpointRoute(1, "story", List.of(
                new ReplicaHub.DeploymentRoute(DEPLOYMENT, "story-model v1", 100))));
        hub.replicaReady(1, DEPLOYMENT, "story", "worker-a");
        for (int i = 0; i < 5; i++) {
            hub.submit("story", new ReplicaRequest("cmpl-" + i, "Once", null, 0, 1, 16, List.of(), 7), false, null,
                    new Recorded());
        }

        assertThat(hub.take(1, 2, Duration.ZERO).requests()).as("a batch of two").hasSize(2);
        assertThat(hub.take(1, 0, Duration.ZERO).requests()).as("full").isEmpty();
        assertThat(hub.load(DEPLOYMENT).queued()).isEqualTo(3);
        assertThat(hub.load(DEPLOYMENT).inFlight()).isEqualTo(2);
        hub.replicaReady(2, DEPLOYMENT, "story", "worker-b"); // what the autoscaler just added
        assertThat(hub.take(2, 8, Duration.ZERO).requests()).extracting(ReplicaRequest::id)
                .containsExactly("cmpl-2", "cmpl-3", "cmpl-4");
        assertThat(hub.load(DEPLOYMENT).queued()).isZero();
    }
}
