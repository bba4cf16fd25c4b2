package dev.llmops.studio.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.studio.pipeline.PipelineService;
import dev.llmops.studio.pipeline.PipelineTemplates;
import dev.llmops.studio.run.RunService;
import dev.llmops.studio.run.RunTrigger;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.Http;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.support.Users;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The worker protocol's boundaries over real HTTP: a worker token acts only for its own workers, a worker reads
 * and writes artifacts only of tasks it holds, people's tokens cannot use the protocol, revoked tokens are refused.
 */
@H2Test
class WorkerProtocolSecurityTest {

    private static final String CAPABILITIES = "{\"cpuCores\":2,\"memoryMb\":4096,\"freeDiskMb\":1000,"
            + "\"gpus\":[],\"labels\":[\"isolated\"]}";

    @LocalServerPort
    int port;
    @Autowired
    WorkerTokenService tokens;
    @Autowired
    Users users;
    @Autowired
    PipelineService pipelines;
    @Autowired
    PipelineTemplates templates;
    @Autowired
    RunService runs;

    @Test
    void tokensActOnlyForTheirWorkersAndTasksTheyHold() {
        Http http = new Http(port);
        String mine = create("machine one");
        String theirs = create("machine two");

        assertThat(register(http, mine, "worker-one").status()).isEqualTo(200);
        assertThat(register(http, theirs, "worker-one").status()).as("an id taken by another token").isEqualTo(409);
        assertThat(http.send("POST", "/api/worker/v1/workers/worker-one/heartbeat", theirs, "").status())
                .as("another token's worker").isEqualTo(403);
        assertThat(http.send("POST", "/api/worker/v1/workers/worker-one/heartbeat", mine, "").json()
                .get("state").asText()).isEqualTo("ONLINE");

        // a real task held by someone else: the embedded worker takes the template's steps
        String engineer = users.create("protocol-engineer", Role.ML_ENGINEER);
        long runId = SignedIn.as(engineer, List.of(Role.ML_ENGINEER), () -> runs.start(pipelines.create(
                Users.uniqueName("held elsewhere"), null, templates.get("fine-tune-and-deploy").graph(), null).id(),
                RunTrigger.API).id());
        long taskId = SignedIn.as(engineer, List.of(Role.ML_ENGINEER), () -> runs.detail(runId)).tasks().get(0).id();
        assertThat(http.get("/api/worker/v1/workers/worker-one/tasks/" + taskId + "/inputs/dataset", mine).status())
                .as("reading inputs of a task the worker does not hold").isEqualTo(409);
        assertThat(http.send("PUT", "/api/worker/v1/workers/worker-one/tasks/" + taskId + "/outputs/dataset", mine,
                "stolen").status()).as("writing outputs of a task the worker does not hold").isEqualTo(409);
        assertThat(http.send("POST", "/api/worker/v1/workers/worker-one/tasks/" + taskId + "/log", mine,
                "{\"lines\":[\"forged\"]}").status()).isEqualTo(409);

        String person = users.tokenFor(engineer, Role.ML_ENGINEER);
        assertThat(http.send("POST", "/api/worker/v1/workers/worker-one/heartbeat", person, "").status())
                .as("a person's API token").isEqualTo(403);

        long mineId = SignedIn.as("admin", List.of(Role.ADMIN), () -> tokens.list()).stream()
                .filter(t -> t.name().equals("machine one")).findFirst().orElseThrow().id();
        SignedIn.run("admin", List.of(Role.ADMIN), () -> tokens.revoke(mineId));
        assertThat(http.send("POST", "/api/worker/v1/workers/worker-one/heartbeat", mine, "").status())
                .isEqualTo(401);
    }

    @Test
    void anIdleLongPollReturnsEmptyHandedAfterItsWait() {
        Http http = new Http(port);
        String token = create("idle machine");
        register(http, token, "idle-worker");
        long started = System.nanoTime();
        Http.Response response = http.send("POST", "/api/worker/v1/workers/idle-worker/lease", token,
                "{\"offer\":{\"cpuCores\":2,\"freeGpus\":0,\"freeMemoryMb\":4096,\"labels\":[],"
                        + "\"nodeTypes\":[\"no-such-step\"]},"
                        + "\"waitMs\":1500}");
        long waitedMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(response.status()).isEqualTo(204);
        assertThat(waitedMs).as("the server held the request for the wait").isGreaterThanOrEqualTo(1400);
    }

    private String create(String name) {
        return SignedIn.as("admin", List.of(Role.ADMIN), () -> tokens.create(name).secret());
    }

    private static Http.Response register(Http http, String token, String workerId) {
        return http.send("POST", "/api/worker/v1/workers", token, "{\"workerId\":\"" + workerId
                + "\",\"name\":\"" + workerId + "\",\"slots\":1,\"capabilities\":" + CAPABILITIES + "}");
    }
}
