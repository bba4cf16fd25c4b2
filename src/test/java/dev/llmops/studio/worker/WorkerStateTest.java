package dev.llmops.studio.worker;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.studio.pipeline.PipelineService;
import dev.llmops.studio.pipeline.PipelineTemplates;
import dev.llmops.studio.run.RunService;
import dev.llmops.studio.run.RunStatus;
import dev.llmops.studio.run.RunTrigger;
import dev.llmops.studio.run.TaskStatus;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.support.BrowserSupport;
import dev.llmops.studio.support.BrowserSupport.UserSession;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.support.Users;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** A disabled worker takes no tasks until it is enabled again; the workers screen shows it and its capacity. */
@H2Test
class WorkerStateTest {

    @LocalServerPort
    int port;
    @Autowired
    WorkerService workers;
    @Autowired
    RunService runs;
    @Autowired
    PipelineService pipelines;
    @Autowired
    PipelineTemplates templates;
    @Autowired
    Users users;

    @Test
    void disabledWorkerTakesNothingUntilEnabled() throws InterruptedException {
        String engineer = users.create("operator", Role.ML_ENGINEER);
        List<Role> roles = List.of(Role.ML_ENGINEER);
        WorkerInfo embedded = SignedIn.as(engineer, roles, () -> workers.list()).stream()
                .filter(w -> w.kind() == WorkerKind.EMBEDDED && w.state() != WorkerState.OFFLINE).findFirst()
                .orElseThrow();
        assertThat(embedded.capabilities().cpuCores()).isPositive();
        assertThat(embedded.capabilities().memoryMb()).isPositive();

        SignedIn.run(engineer, roles, () -> workers.setState(embedded.id(), WorkerState.DISABLED));
        try {
            var graph = templates.get("fine-tune-and-deploy").graph();
            long pipelineId = SignedIn.as(engineer, roles,
                    () -> pipelines.create(Users.uniqueName("paused"), null, graph, null).id());
            long runId = SignedIn.as(engineer, roles, () -> runs.start(pipelineId, RunTrigger.MANUAL).id());
            Thread.sleep(2500);
            assertThat(SignedIn.as(engineer, roles, () -> runs.detail(runId)).tasks().stream()
                    .filter(t -> t.nodeId().equals("upload")).findFirst().orElseThrow().status())
                    .isEqualTo(TaskStatus.QUEUED);

            try (BrowserSupport browser = new BrowserSupport(port); UserSession session = browser.newSession()) {
                session.signInExpectingSuccess(engineer, Users.PASSWORD);
                session.open("/workers");
                assertThat(session.page.locator("#workers-grid")).containsText("Disabled");
                assertThat(session.page.locator("#workers-grid")).containsText("cores");
                session.screenshot("workers-disabled");
                session.page.locator("[id^=enable-embedded]").first().click();
                assertThat(session.page.locator("#workers-grid")).containsText("Online");
                org.assertj.core.api.Assertions.assertThat(session.consoleErrors).isEmpty();
            }
            long deadline = System.currentTimeMillis() + 30_000;
            while (SignedIn.as(engineer, roles, () -> runs.detail(runId)).summary().status() != RunStatus.SUCCEEDED) {
                assertThat(System.currentTimeMillis()).as("run finishes once the worker is enabled").isLessThan(deadline);
                Thread.sleep(100);
            }
        } finally {
            SignedIn.run(engineer, roles, () -> workers.setState(embedded.id(), WorkerState.ONLINE));
        }
    }
}
