package dev.llmops.studio.model;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import dev.llmops.studio.pipeline.GraphNode;
import dev.llmops.studio.pipeline.PipelineGraph;
import dev.llmops.studio.pipeline.PipelineService;
import dev.llmops.studio.pipeline.PipelineTemplates;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.support.BrowserSupport;
import dev.llmops.studio.support.BrowserSupport.UserSession;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.ScriptedExecutors;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.support.Users;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * The user's journey with the demo: open the "Fine-tune and deploy" template in the designer, run it up to the
 * Fine-tune step, and watch the loss curve grow while the model really trains (one short epoch here; the full
 * demo's time and losses are in docs/benchmarks.md).
 */
@H2Test
@TestPropertySource(properties = ScriptedExecutors.REAL_MODEL_STEPS)
class FineTuneJourneyTest {

    @LocalServerPort
    int port;
    @Autowired
    PipelineService pipelines;
    @Autowired
    PipelineTemplates templates;
    @Autowired
    Users users;

    @Test
    void theDemoTemplateTrainsUpToTheFineTuneStepWithALiveLossChart() {
        String engineer = users.create("demo-trainer", Role.ML_ENGINEER);
        PipelineGraph template = templates.get("fine-tune-and-deploy").graph();
        PipelineGraph quick = new PipelineGraph(template.schedule(), template.nodes().stream()
                .map(n -> n.id().equals("finetune") ? shortened(n) : n).toList(), template.edges());
        long id = SignedIn.as(engineer, List.of(Role.ML_ENGINEER),
                () -> pipelines.create(Users.uniqueName("Support assistant"), null, quick, null).id());

        try (BrowserSupport browser = new BrowserSupport(port); UserSession session = browser.newSession()) {
            Page page = session.page;
            session.signInExpectingSuccess(engineer, Users.PASSWORD);
            session.open("/pipelines/" + id);
            assertThat(page.locator("#run-to-step")).isHidden();
            page.locator(".react-flow__node").filter(new Locator.FilterOptions().setHasText("Fine-tune")).click();
            assertThat(page.locator("#run-to-step")).isEnabled();
            assertThat(page.locator("#param-method")).containsText("Method");
            session.screenshot("fine-tune-01-selected");
            page.locator("#run-to-step").click();
            page.waitForURL(Pattern.compile(".*/runs/\\d+$"));

            // only the step and what it needs
            assertThat(page.locator(".react-flow__node")).hasCount(2);
            page.locator("#metrics-tab").click();
            Locator loss = page.locator("#metrics-panel metric-chart")
                    .filter(new Locator.FilterOptions().setHasText("Loss"));
            assertThat(loss).hasCount(1, new LocatorAssertions.HasCountOptions().setTimeout(60_000));
            assertThat(loss.locator("svg")).hasCount(1);
            int early = points(loss);
            assertThat(loss).not().hasAttribute("data-points", String.valueOf(early),
                    new LocatorAssertions.HasAttributeOptions().setTimeout(30_000));
            int later = points(loss);
            org.assertj.core.api.Assertions.assertThat(later).as("the chart grows while training runs")
                    .isGreaterThan(early);
            session.screenshot("fine-tune-02-training");
            assertThat(page.locator("#metrics-panel metric-chart .metric-chart-title"))
                    .containsText(new String[] {"Loss", "Perplexity"});

            assertThat(page.locator("#run-status")).hasText("Succeeded",
                    new LocatorAssertions.HasTextOptions().setTimeout(120_000));
            assertThat(page.locator(".react-flow__node [data-status=SUCCEEDED]")).hasCount(2);
            session.screenshot("fine-tune-03-trained");
            page.locator("vaadin-tab", new Page.LocatorOptions().setHasText("Log")).click();
            assertThat(page.locator("#task-log")).containsText("model written");
            org.assertj.core.api.Assertions.assertThat(session.consoleErrors).isEmpty();
        }
    }

    private static int points(Locator chart) {
        String value = chart.getAttribute("data-points");
        return value == null ? 0 : Integer.parseInt(value);
    }

    private static GraphNode shortened(GraphNode fineTune) {
        Map<String, Object> params = new HashMap<>(fineTune.params());
        params.putAll(Map.of("epochs", 1, "maxLength", 160, "evalEvery", 5));
        return new GraphNode(fineTune.id(), fineTune.type(), fineTune.label(), fineTune.x(), fineTune.y(), params);
    }
}
