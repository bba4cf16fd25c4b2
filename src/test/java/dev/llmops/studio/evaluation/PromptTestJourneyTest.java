package dev.llmops.studio.evaluation;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import dev.llmops.studio.model.ServingTestModels;
import dev.llmops.studio.registry.ModelVersionInfo;
import dev.llmops.studio.support.BrowserSupport;
import dev.llmops.studio.support.BrowserSupport.UserSession;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.Users;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestPropertySource;

/**
 * An engineer imports a suite from a CSV file, adds a case in the suite's grid, runs it against an endpoint that
 * serves the trained tiny model and reads the results (pass rate, each case, classification metrics and the
 * confusion matrix); runs it again and compares the two runs.
 */
@H2Test
@TestPropertySource(properties = PromptTestRunTest.REAL_STEPS)
class PromptTestJourneyTest {

    private static final LocatorAssertions.HasTextOptions RUN_WAIT = new LocatorAssertions.HasTextOptions()
            .setTimeout(120_000);

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @TempDir
    Path dir;

    @Test
    void importASuiteAddACaseRunItAgainstAnEndpointAndCompareTwoRuns() throws Exception {
        PromptTestFixture fixture = new PromptTestFixture(context);
        ModelVersionInfo trained = fixture.register(Users.uniqueName("journey-model"),
                ServingTestModels.trainedTinyPackage());
        String endpoint = fixture.servedEndpoint("journey", trained);
        String suite = Users.uniqueName("journey-suite");
        Path csv = dir.resolve("support.csv");
        Files.writeString(csv, """
                prompt,expected,assertion,threshold,label,group
                Hello,Hello! How can I help you today?,equals,,,greeting
                What is the capital of France?,Berlin,contains,,,geo
                What is the capital of France?,Paris,classification,,,geo
                Thank you!,Berlin,classification,,,
                """);

        try (BrowserSupport browser = new BrowserSupport(port); UserSession session = browser.newSession()) {
            Page page = session.page;
            session.signInExpectingSuccess(fixture.engineer, Users.PASSWORD);
            session.open("/prompt-tests");
            assertThat(page.locator("#prompt-tests-view")).containsText("A prompt suite is a list of prompts");
            page.locator("#import-suite").click();
            page.locator("#import-suite-name input").fill(suite);
            session.screenshot("prompt-tests-01-import");
            page.locator("#import-suite-file input[type=file]").setInputFiles(csv);

            page.waitForURL(Pattern.compile(".*/prompt-tests/" + Pattern.quote(suite) + "$"));
            assertThat(page.locator("#suite-title")).hasText(suite);
            assertThat(page.locator("#cases-grid")).containsText("What is the capital of France?");
            assertThat(page.locator("#cases-grid")).containsText("CLASSIFICATION");

            page.locator("#add-case").click();
            page.locator("#case-prompt textarea").fill("Who are you?");
            page.locator("#case-assertion").click();
            page.locator("vaadin-select-item").filter(new Locator.FilterOptions().setHasText("STARTS_WITH")).click();
            page.locator("#case-expected textarea").fill("I am");
            page.locator("#case-group input").fill("identity");
            session.screenshot("prompt-tests-02-add-case");
            page.locator("#case-done").click();
            assertThat(page.locator("#suite-unsaved")).isVisible();
            assertThat(page.locator("#cases-grid")).containsText("Who are you?");
            page.locator("#save-suite").click();
            assertThat(page.locator("#suite-unsaved")).isHidden();
            session.screenshot("prompt-tests-03-cases");

            tab(page, "Run & results");
            assertThat(page.locator("#run-results")).containsText("No test run yet");
            chooseEndpoint(page, endpoint);
            page.locator("#run-suite").click();
            assertThat(page.locator("#report-pass-rate")).hasText("60 % passed (3 of 5)", RUN_WAIT);
            assertThat(page.locator("#results-grid")).containsText(ServingTestModels.GREETING.assistant());
            assertThat(page.locator("#results-grid")).containsText("missing [Berlin]");
            assertThat(page.locator("#results-grid")).containsText("ms");
            assertThat(page.locator("#labels-grid")).containsText("macro average");
            assertThat(page.locator("#labels-grid")).containsText("Paris");
            assertThat(page.locator("#confusion-grid")).containsText(PromptTestMetrics.NO_LABEL);
            session.screenshot("prompt-tests-04-results");

            page.locator("#run-suite").click();
            tab(page, "History & compare");
            Locator passed = page.locator("#history-grid vaadin-grid-cell-content")
                    .filter(new Locator.FilterOptions().setHasText("60 % passed (3 of 5)"));
            assertThat(passed).hasCount(2, new LocatorAssertions.HasCountOptions().setTimeout(120_000));
            assertThat(page.locator("#history-grid")).containsText(endpoint);
            // the rows' checkboxes come last, after the header's select-all box where the grid shows one
            Locator checkboxes = page.locator("#history-grid vaadin-checkbox");
            int boxes = checkboxes.count();
            checkboxes.nth(boxes - 2).click();
            checkboxes.nth(boxes - 1).click();
            page.locator("#compare-runs").click();
            assertThat(page.locator("#comparison-summary")).containsText("0 won, 0 lost, 5 tied");
            assertThat(page.locator("#comparison-metrics")).containsText("pass_rate");
            // the same model answered the same both times: no pair to send to A/B review
            assertThat(page.locator("#review-side-by-side")).isDisabled();
            session.screenshot("prompt-tests-05-compare");

            session.open("/prompt-tests");
            assertThat(page.locator("#suites-grid")).containsText(suite);
            assertThat(page.locator("#suites-grid")).containsText("60 % passed (3 of 5)");
            session.screenshot("prompt-tests-06-list");
            Assertions.assertThat(session.consoleErrors).isEmpty();
        }
    }

    private static void chooseEndpoint(Page page, String endpoint) {
        page.locator("#run-endpoint input").fill(endpoint);
        page.locator("vaadin-combo-box-item").filter(new Locator.FilterOptions().setHasText(endpoint)).first()
                .click();
    }

    private static void tab(Page page, String title) {
        page.locator("#suite-tabs vaadin-tab", new Page.LocatorOptions().setHasText(title)).click();
    }
}
