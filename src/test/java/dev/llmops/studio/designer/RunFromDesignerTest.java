package dev.llmops.studio.designer;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Page;
import dev.llmops.studio.pipeline.PipelineService;
import dev.llmops.studio.pipeline.PipelineTemplates;
import dev.llmops.studio.run.RunService;
import dev.llmops.studio.run.RunTrigger;
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

/**
 * Press Run in the designer and watch the steps turn green and the loss chart grow, pushed by the server without
 * reloading.
 */
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
    @Autowired
    RunService runs;

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
                // five optimizer steps per epoch: a decaying, slightly noisy loss and a warm-up/cosine schedule
                for (int j = 1; j <= 5; j++) {
                    int step = (i - 1) * 5 + j;
                    context.metric("train_loss", step, 2.6 * Math.exp(-step / 18.0) + 0.35 + 0.06 * Math.sin(step));
                    context.metric("learning_rate", step, step <= 5 ? 3e-4 * step / 5
                            : 3e-5 + 2.7e-4 * 0.5 * (1 + Math.cos(Math.PI * (step - 5) / 45.0)));
                }
                context.metric("val_loss", i * 5, 2.5 * Math.exp(-i * 5 / 20.0) + 0.5);
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

            page.locator("#metrics-tab").click();
            var charts = page.locator("#metrics-panel metric-chart");
            assertThat(charts).hasCount(2);
            assertThat(charts.first().locator(".metric-chart-title")).hasText("Loss");
            assertThat(charts.first().locator("svg")).hasCount(1);
            assertThat(charts.first().locator("svg text").filter(new com.microsoft.playwright.Locator.FilterOptions()
                    .setHasText("train_loss"))).hasCount(1);
            assertThat(charts.first().locator("svg text").filter(new com.microsoft.playwright.Locator.FilterOptions()
                    .setHasText("val_loss"))).hasCount(1);
            assertThat(charts.nth(1).locator(".metric-chart-title")).hasText("Learning rate");
            assertThat(page.locator("#metrics-step")).containsText("Fine-tune");
            // pushes must update this chart in place, not build a new one (that is what flickers)
            charts.first().locator("svg").evaluate("svg => svg.dataset.sameChart = 'yes'");
            assertThat(page.locator(".react-flow__node [data-status=SUCCEEDED]")).hasCount(6,
                    new com.microsoft.playwright.assertions.LocatorAssertions.HasCountOptions()
                            .setTimeout(Duration.ofSeconds(30).toMillis()));
            assertThat(page.locator("#run-status")).hasText("Succeeded");
            assertThat(page.locator("#cancel-run")).not().isVisible();
            // the last points arrive after the run ends: 50 training steps and 10 validations
            assertThat(charts.first()).hasAttribute("data-points", "60");
            assertThat(charts.first().locator("svg[data-same-chart=yes]")).hasCount(1);
            session.screenshot("run-02-succeeded-metrics");
            charts.nth(1).scrollIntoViewIfNeeded();
            session.screenshot("run-02-succeeded-metrics-scrolled");
            page.locator("vaadin-tab", new Page.LocatorOptions().setHasText("Log")).click();
            assertThat(page.locator("#task-log")).isVisible();
            session.screenshot("run-02-succeeded");

            session.open("/runs");
            assertThat(page.locator("#runs-grid")).containsText("Succeeded");
            session.screenshot("run-03-list");

            // a run whose steps report nothing says so instead of showing empty axes
            ScriptedExecutors.reset();
            long quiet = SignedIn.as(engineer, List.of(Role.ML_ENGINEER),
                    () -> runs.start(id, RunTrigger.MANUAL).id());
            session.open("/runs/" + quiet);
            page.locator("#metrics-tab").click();
            assertThat(page.locator("#metrics-empty")).hasText(MetricsPanel.EMPTY_TEXT);
            assertThat(page.locator("#metrics-panel metric-chart")).hasCount(0);
            assertThat(page.locator("#metrics-step")).not().isVisible();
            session.screenshot("run-04-no-metrics");
            org.assertj.core.api.Assertions.assertThat(session.consoleErrors).isEmpty();
        }
    }
}
