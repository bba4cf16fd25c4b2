package dev.llmops.studio.serving;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import dev.llmops.studio.model.ServingTestModels;
import dev.llmops.studio.registry.ModelRegistryService;
import dev.llmops.studio.registry.ModelVersionInfo;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.security.SecretTokens;
import dev.llmops.studio.support.BrowserSupport;
import dev.llmops.studio.support.BrowserSupport.UserSession;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.support.Users;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * An engineer deploys a trained model version from the model screen with one click and lands on the
 * endpoint page; while the replica starts, creates an API key (shown once) and changes a setting; once the
 * endpoint is ready, chats with it in the playground: the answer streams in, and the request shows in the
 * endpoint's counters. Finally stops it.
 */
@H2Test
class EndpointJourneyTest {

    @LocalServerPort
    int port;
    @Autowired
    ModelRegistryService registry;
    @Autowired
    Users users;

    @Test
    void deployFromTheModelScreenThenChatInThePlayground() throws Exception {
        String engineer = users.create("serving-engineer", Role.ML_ENGINEER);
        String modelName = Users.uniqueName("Serving_Model");
        ModelVersionInfo version = trainTinyModel(engineer, modelName);
        String endpoint = DeployDialog.endpointName(modelName);
        Assertions.assertThat(endpoint).as("derived from the model name").isEqualTo(modelName.toLowerCase()
                .replace('_', '-'));

        try (BrowserSupport browser = new BrowserSupport(port); UserSession session = browser.newSession()) {
            Page page = session.page;
            session.signInExpectingSuccess(engineer, Users.PASSWORD);
            session.open("/models/" + modelName);
            // the newest version is open already: its actions are there without a click
            assertThat(page.locator("#model-version-title")).hasText(version.label());
            page.locator("#deploy-button").click();
            assertThat(page.locator("#deploy-endpoint input")).hasValue(endpoint);
            assertThat(page.locator("#deploy-min-replicas input")).hasValue("1");
            assertThat(page.locator("#deploy-canary input")).isDisabled();
            assertThat(page.locator("#deploy-effect")).containsText("Creates the endpoint " + endpoint);
            session.screenshot("serving-01-deploy-dialog");
            page.locator("#deploy-confirm").click();

            page.waitForURL(Pattern.compile(".*/endpoints/" + Pattern.quote(endpoint) + "$"));
            assertThat(page.locator("#endpoint-title")).hasText(endpoint);
            assertThat(page.locator("#endpoint-url")).hasText("http://localhost:" + port + "/v1");
            assertThat(page.locator("#versions-grid")).containsText(version.label());
            assertThat(page.locator("#events-grid")).containsText("Deploying " + version.label());
            assertThat(page.locator("#replicas-grid")).containsText(version.label());
            assertThat(page.locator("#rollback-button")).isDisabled();
            assertThat(page.locator("#promote-button")).isDisabled();
            session.screenshot("serving-02-endpoint");

            // while the replica starts: a key for a client, shown once; a setting changed
            tab(page, "API keys");
            page.locator("#create-api-key").click();
            page.locator("#api-key-name input").fill("journey client");
            page.locator("#api-key-rpm input").fill("60");
            page.locator("#api-key-create").click();
            assertThat(page.locator("#api-key-secret input")).hasValue(Pattern.compile("^lsk-.{20,}"));
            String secret = page.locator("#api-key-secret input").inputValue();
            session.screenshot("serving-03-api-key-once");
            page.getByText("Done").click();
            assertThat(page.locator("#api-key-created-dialog")).isHidden();
            assertThat(page.locator("#api-keys-grid")).containsText(SecretTokens.visiblePrefix(secret) + "…");
            assertThat(page.locator("#api-keys-grid")).containsText("journey client");
            assertThat(page.locator("#api-keys-grid")).not().containsText(secret);
            tab(page, "Settings");
            page.locator("#settings-max-replicas input").fill("3");
            page.locator("#settings-save").click();
            assertThat(page.locator("#settings-max-replicas input")).hasValue("3");
            session.screenshot("serving-04-settings");
            tab(page, "Overview");
            assertThat(page.locator("#events-grid")).containsText("replicas 1–3");

            assertThat(page.locator("#endpoint-status")).hasText("Ready", new LocatorAssertions.HasTextOptions()
                    .setTimeout(Duration.ofSeconds(90).toMillis()));
            assertThat(page.locator("#events-grid")).containsText(version.label() + " is ready");
            assertThat(page.locator("#replicas-grid")).containsText("Ready");
            assertThat(page.locator("#requests-total")).hasText("0");
            page.locator("#events-grid").scrollIntoViewIfNeeded();
            session.screenshot("serving-05-ready-replicas-activity");

            tab(page, "Playground");
            assertThat(page.locator("#playground-curl")).containsText("/v1/chat/completions");
            page.locator("#playground-input textarea").fill("Hello");
            page.locator("#playground-send").click();
            Locator answer = page.locator("#playground-messages .playground-message.assistant");
            assertThat(page.locator("#playground-messages .playground-message.user")).containsText("Hello");
            assertThat(answer.locator(".playground-meta")).containsText("tokens in",
                    new LocatorAssertions.ContainsTextOptions().setTimeout(60_000));
            Assertions.assertThat(answer.locator(".playground-text").textContent()).as("streamed text")
                    .isEqualTo(ServingTestModels.GREETING.assistant());
            assertThat(page.locator("#playground-curl")).containsText("\"content\" : \"Hello\"");
            assertThat(page.locator("#playground-curl")).containsText("Authorization: Bearer $LLMOPS_API_KEY");
            session.screenshot("serving-06-playground");
            page.locator("#playground-curl").scrollIntoViewIfNeeded();
            session.screenshot("serving-06b-playground-curl");

            tab(page, "Overview");
            assertThat(page.locator("#requests-total")).hasText("1");
            session.screenshot("serving-07-counters");

            session.open("/endpoints");
            Locator row = page.locator("#endpoints-grid vaadin-grid-cell-content")
                    .filter(new Locator.FilterOptions().setHasText(endpoint));
            assertThat(page.locator("#endpoints-grid")).containsText(version.label() + " · 100 %");
            assertThat(page.locator("#endpoints-grid")).containsText("Ready");
            session.screenshot("serving-08-endpoints");
            row.first().click();
            assertThat(page.locator("#endpoint-title")).hasText(endpoint);

            page.locator("#stop-endpoint").click();
            page.locator("vaadin-confirm-dialog-overlay vaadin-button, vaadin-confirm-dialog vaadin-button")
                    .filter(new Locator.FilterOptions().setHasText("Stop endpoint")).first().click();
            assertThat(page.locator("#endpoint-status")).hasText("Stopped");
            assertThat(page.locator("#stop-endpoint")).isHidden();
            Assertions.assertThat(session.consoleErrors).isEmpty();
        }
    }

    private static void tab(Page page, String title) {
        page.locator("#endpoint-tabs vaadin-tab", new Page.LocatorOptions().setHasText(title)).click();
    }

    /** The test suite's tiny chat model (trained once, cached): a version that answers "Hello" readably. */
    private ModelVersionInfo trainTinyModel(String engineer, String modelName) {
        Path modelPackage = ServingTestModels.trainedTinyPackage();
        return as(engineer, () -> registry.importHuggingFace(modelName, modelPackage,
                modelPackage.getFileName().toString()));
    }

    private static <T> T as(String user, java.util.concurrent.Callable<T> action) {
        return SignedIn.as(user, List.of(Role.ML_ENGINEER), action);
    }
}
