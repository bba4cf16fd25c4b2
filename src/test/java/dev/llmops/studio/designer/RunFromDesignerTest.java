package dev.llmops.studio.designer;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Page;
import dev.llmops.studio.pipeline.PipelineService;
import dev.llmops.studio.pipeline.PipelineTemplates;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.support.BrowserSupport;
import dev.llmops.studio.support.BrowserSupport.UserSession;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.ScriptedExecutors;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.support.Users;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Press Run in the designer and watch the steps turn green, pushed by the server without reloading. */
@H2Test
class RunFromDesignerTest {

    @LocalServerPort
    int port;
    @Autowired
    Users users;
    @Autowired
    PipelineService pipelines;
    @Autowired
    PipelineTemplates templates;

    @AfterEach
    void reset() {
        ScriptedExecutors.reset();
    }

    @Test
    void runStartsFromTheDesignerAndNodesTurnSucceeded() {
        String engineer = users.create("watcher", Role.ML_ENGINEER);
        var graph = templates.get("fine-tune-and-deploy").graph();
        long id = SignedIn.as(engineer, List.of(Role.ML_ENGINEER),
                () -> pipelines.create(Users.uniqueName("Watched"), null, graph, null).id());
        ScriptedExecutors.script("finetune", context -> {
            for (int i = 1; i <= 10; i++) {
                context.progress(i / 10.0);
                context.log("epoch " + i + " of 10");
                Thread.sleep(300);
            }
        });

        try (BrowserSupport browser = new BrowserSupport(port); UserSession session = browser.newSession()) {
            Page page = session.page;
            session.signInExpectingSuccess(engineer, Users.PASSWORD);
            session.open("/pipelines/" + id);
            assertThat(page.locator("#run-pipeline")).isEnabled();
            page.locator("#run-pipeline").click();
            page.waitForURL(Pattern.compile(".*/runs/\\d+$"));

            assertThat(page.locator(".react-flow__node [data-status=RUNNING]")).hasCount(1,
                    new com.microsoft.playwright.assertions.LocatorAssertions.HasCountOptions().setTimeout(15_000));
            assertThat(page.locator("#task-log")).containsText("epoch");
            session.screenshot("run-01-running");
            assertThat(page.locator(".react-flow__node [data-status=SUCCEEDED]")).hasCount(6,
                    new com.microsoft.playwright.assertions.LocatorAssertions.HasCountOptions()
                            .setTimeout(Duration.ofSeconds(30).toMillis()));
            assertThat(page.locator("#run-status")).hasText("Succeeded");
            assertThat(page.locator("#cancel-run")).not().isVisible();
            session.screenshot("run-02-succeeded");

            session.open("/runs");
            assertThat(page.locator("#runs-grid")).containsText("Succeeded");
            session.screenshot("run-03-list");
            org.assertj.core.api.Assertions.assertThat(session.consoleErrors).isEmpty();
        }
    }
}
