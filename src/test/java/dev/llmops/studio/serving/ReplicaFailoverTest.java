package dev.llmops.studio.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.studio.model.ServingTestModels;
import dev.llmops.studio.registry.ModelVersionInfo;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.support.StudioProcess;
import dev.llmops.studio.support.Users;
import dev.llmops.studio.worker.WorkerInfo;
import dev.llmops.studio.worker.WorkerKind;
import dev.llmops.studio.worker.WorkerService;
import dev.llmops.studio.worker.WorkerState;
import dev.llmops.studio.worker.WorkerTokenService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestPropertySource;

/**
 * One replica on the server's embedded worker, one on a remote worker JVM that is killed with SIGKILL while it
 * holds requests: the client sees no failure (what the dead replica held is answered by the other one), the dead
 * replica is marked failed for missing its health checks, and a replacement takes its place.
 */
@H2Test
@TestPropertySource(properties = {"studio.serving.replica-timeout=3s", "studio.serving.spread-grace=8s"})
class ReplicaFailoverTest {

    private static final String PROMPT = "Tell me a long story.";

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    WorkerTokenService tokens;
    @Autowired
    WorkerService workers;
    @Autowired
    ReplicaHub hub;
    @Autowired
    Users users;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopWorkers() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void aKilledRemoteReplicasRequestsAreAnsweredByTheOtherAndItIsReplaced() throws Exception {
        String admin = users.create("serving-admin", Role.ADMIN);
        String token = SignedIn.as(admin, List.of(Role.ADMIN), () -> tokens.create("serving boxes")).secret();
        String boxName = Users.uniqueName("serving-box");
        Process box = worker(boxName, token);
        awaitWorker(admin, boxName, Duration.ofMinutes(3));

        ServingFixture fixture = new ServingFixture(context);
        String endpoint = ServingFixture.endpointName("failover");
        // the untrained model: greedy, it writes all 200 tokens, so a request is under way long enough that the
        // killed replica has sent part of its answer when it dies
        ModelVersionInfo version = fixture.register(Users.uniqueName("failover-model"),
                ServingTestModels.randomTinyPackage());
        fixture.deploy(endpoint, version, 0, EndpointSettings.defaults().withReplicas(2, 2));
        ServingFixture.Client client = new ServingFixture.Client(port, fixture.key(endpoint, null, null), endpoint);
        EndpointInfo ready = fixture.await(endpoint, Duration.ofMinutes(3),
                i -> i.status() == EndpointStatus.READY && i.readyReplicas() == 2);
        long deployment = ready.deployments().get(0).id();
        List<ReplicaInfo> placed = fixture.replicasOf(endpoint, deployment);
        assertThat(placed).hasSize(2).allMatch(r -> r.state() == ReplicaState.READY);
        assertThat(placed).extracting(ReplicaInfo::workerId).as("spread over both workers").doesNotHaveDuplicates()
                .anyMatch(w -> w.startsWith("embedded-")).anyMatch(w -> w.startsWith(boxName + "-"));
        ReplicaInfo remote = placed.stream().filter(r -> r.workerId().startsWith(boxName)).findFirst().orElseThrow();
        String embedded = placed.stream().filter(r -> r != remote).findFirst().orElseThrow().workerId();
        Set<Long> original = placed.stream().map(ReplicaInfo::id).collect(Collectors.toSet());

        ServingFixture.Answer reference = client.chat(PROMPT, 200, 0.0);
        assertThat(reference.finishReason()).as("%s", reference).isEqualTo("length");
        List<ServingFixture.Answer> answers;
        try (ServingFixture.Load load = new ServingFixture.Load(3, () -> client.chat(PROMPT, 200, 0.0))) {
            load.awaitMore(10, Duration.ofSeconds(60));
            fixture.awaitTrue(endpoint, "the remote replica to hold requests", Duration.ofSeconds(30),
                    () -> hub.outstandingByReplica(deployment).getOrDefault(remote.id(), 0) > 0);
            box.destroyForcibly(); // SIGKILL: no goodbye; its replica just stops asking for work
            assertThat(box.waitFor(10, TimeUnit.SECONDS)).isTrue();

            fixture.awaitTrue(endpoint, "the killed replica to be taken out", Duration.ofSeconds(30),
                    () -> fixture.replicasOf(endpoint, deployment).stream()
                            .anyMatch(r -> r.id() == remote.id() && r.state() == ReplicaState.FAILED));
            fixture.awaitTrue(endpoint, "a replacement replica on the embedded worker", Duration.ofSeconds(90),
                    () -> fixture.replicasOf(endpoint, deployment).stream().anyMatch(r -> !original.contains(r.id())
                            && r.state() == ReplicaState.READY && r.workerId().equals(embedded)));
            load.awaitMore(10, Duration.ofSeconds(60));
            answers = load.stop();
        }

        assertThat(answers).as("every request, also those the killed replica held").allSatisfy(a -> {
            assertThat(a.status()).as("%s", a).isEqualTo(200);
            assertThat(a.content()).as("the one greedy answer, whole and once").isEqualTo(reference.content());
            assertThat(a.finishReason()).isEqualTo("length");
        });
        ReplicaInfo killed = fixture.replicasOf(endpoint, deployment).stream().filter(r -> r.id() == remote.id())
                .findFirst().orElseThrow();
        assertThat(killed.message()).contains("missed its health checks");
        assertThat(killed.endedAt()).isNotNull();
        assertThat(fixture.events(endpoint, "replica")).singleElement().satisfies(e -> {
            assertThat(e.message()).startsWith("Replica " + remote.id() + " of " + version.label()
                    + " missed its health checks").endsWith("its requests went to other replicas");
            assertThat(e.actor()).isEqualTo(ReplicaCoordinator.SYSTEM);
        });
        EndpointInfo end = fixture.get(endpoint);
        assertThat(end.status()).isEqualTo(EndpointStatus.READY);
        assertThat(end.readyReplicas()).isEqualTo(2);
    }

    private Process worker(String name, String token) throws Exception {
        Process process = StudioProcess.start(name, "384m", List.of("worker", "--server-url=http://localhost:" + port,
                "--name=" + name, "--slots=1", "--work-dir=" + StudioProcess.LOGS.resolve(name + "-work"),
                "--studio.worker.token=" + token));
        processes.add(process);
        return process;
    }

    private void awaitWorker(String admin, String name, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<WorkerInfo> all = SignedIn.as(admin, List.of(Role.ADMIN), () -> workers.list());
            if (all.stream().anyMatch(w -> w.name().equals(name) && w.kind() == WorkerKind.REMOTE
                    && w.state() == WorkerState.ONLINE)) {
                return;
            }
            assertThat(System.nanoTime()).as("remote worker %s online; workers %s; see %s", name, all,
                    StudioProcess.log(name)).isLessThan(deadline);
            ServingFixture.pause(250);
        }
    }
}
