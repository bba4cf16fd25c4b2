package dev.llmops.studio.shell;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import dev.llmops.studio.support.BrowserSupport;
import dev.llmops.studio.support.BrowserSupport.UserSession;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.Http;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * The first-start journey in a real browser against the production frontend: the bootstrap admin (password
 * read from the log, as a newcomer would) creates a reviewer, who then cannot reach the admin screens.
 */
@ExtendWith(OutputCaptureExtension.class)
@H2Test
@TestPropertySource(properties = "studio.test.context=first-start-journey")
class FirstStartJourneyTest {

    private static final Pattern BOOTSTRAP_PASSWORD =
            Pattern.compile("created user 'admin' with password\\s+(\\S+)");

    @LocalServerPort
    int port;

    @Test
    void adminCreatesAReviewerWhoCannotOpenTheAdminSection(CapturedOutput output) {
        Matcher printed = BOOTSTRAP_PASSWORD.matcher(output.getAll());
        assertThat(printed.find()).as("the first start prints the admin password").isTrue();
        String adminPassword = printed.group(1);

        try (BrowserSupport browser = new BrowserSupport(port)) {
            String reviewerPassword = "reviewer-secret-2026";
            try (UserSession admin = browser.newSession()) {
                admin.open("/");
                assertThat(admin.page).hasURL(Pattern.compile(".*/login$"));
                admin.screenshot("01-login");

                admin.signIn("admin", "not-the-password");
                assertThat(admin.page.locator("vaadin-login-form")).containsText("Incorrect user name or password");
                admin.screenshot("02-login-error");

                admin.signInExpectingSuccess("admin", adminPassword);
                Locator nav = admin.page.locator("#main-nav");
                assertThat(nav).containsText("Users");
                assertThat(nav).containsText("Audit log");
                admin.screenshot("03-home-admin");

                nav.getByText("Users").click();
                assertThat(admin.page).hasURL(Pattern.compile(".*/admin/users$"));
                admin.page.locator("#new-user").click();
                admin.page.locator("#new-username input").fill("reviewer1");
                admin.page.locator("#new-display-name input").fill("Rita Reviewer");
                admin.page.locator("#new-password input").fill("short");
                admin.page.locator("#new-roles vaadin-checkbox").filter(new Locator.FilterOptions()
                        .setHasText("Reviewer —")).locator("input").check();
                admin.page.locator("#create-user").click();
                assertThat(admin.page.locator("#new-password")).hasAttribute("invalid", "");
                assertThat(admin.page.locator("#new-password")).containsText("at least 12 characters");
                admin.screenshot("04-new-user-short-password");

                admin.page.locator("#new-password input").fill(reviewerPassword);
                admin.page.locator("#create-user").click();
                assertThat(admin.page.locator("vaadin-dialog-overlay")).hasCount(0);
                assertThat(admin.page.locator("#users-grid")).containsText("reviewer1");
                assertThat(admin.page.locator("#users-grid")).containsText("REVIEWER");
                admin.screenshot("05-users-with-reviewer");
                admin.signOut();
                assertThat(admin.consoleErrors).as("console errors (CSP violations would show here)").isEmpty();
            }

            try (UserSession reviewer = browser.newSession()) {
                reviewer.signInExpectingSuccess("reviewer1", reviewerPassword);
                Locator nav = reviewer.page.locator("#main-nav");
                assertThat(nav).containsText("Home");
                assertThat(nav).not().containsText("Admin");
                assertThat(nav).not().containsText("Users");
                assertThat(nav).not().containsText("Audit log");
                reviewer.screenshot("06-home-reviewer");

                reviewer.open("/admin/users");
                assertThat(reviewer.page.locator("#not-found")).isVisible();
                assertThat(reviewer.page.locator("#users-grid")).hasCount(0);
                reviewer.screenshot("07-reviewer-refused-admin");
                reviewer.open("/admin/audit");
                assertThat(reviewer.page.locator("#not-found")).isVisible();
                assertThat(reviewer.page.locator("#audit-grid")).hasCount(0);

                // a personal API token: created in the UI, shown once, works over HTTP until revoked
                nav.getByText("Account").click();
                reviewer.page.locator("#token-name input").fill("my-notebook");
                reviewer.page.locator("#create-token").click();
                Locator secretField = reviewer.page.locator("#token-secret input");
                assertThat(secretField).hasValue(Pattern.compile("lls_.{40,}"));
                String secret = secretField.inputValue();
                reviewer.screenshot("08-token-shown-once");
                reviewer.page.locator("vaadin-button").filter(new Locator.FilterOptions().setHasText("Done")).click();
                assertThat(reviewer.page.locator("#tokens-grid")).containsText("my-notebook");
                assertThat(reviewer.page.locator("#tokens-grid")).not().containsText(secret);
                Http http = new Http(port);
                assertThat(http.get("/api/v1/me", secret).json().get("username").asText()).isEqualTo("reviewer1");
                reviewer.page.locator("[id^=revoke-]").click();
                reviewer.page.locator("vaadin-confirm-dialog-overlay vaadin-button, vaadin-confirm-dialog vaadin-button")
                        .filter(new Locator.FilterOptions().setHasText("Revoke")).click();
                assertThat(reviewer.page.locator("#tokens-grid")).containsText("Revoked");
                assertThat(http.get("/api/v1/me", secret).status()).isEqualTo(401);
                reviewer.screenshot("09-token-revoked");
                assertThat(reviewer.consoleErrors).isEmpty();
            }

            try (UserSession admin = browser.newSession()) {
                admin.signInExpectingSuccess("admin", adminPassword);
                admin.open("/admin/audit");
                Locator grid = admin.page.locator("#audit-grid");
                assertThat(grid).containsText("user.created");
                assertThat(grid).containsText("reviewer1");
                assertThat(grid).containsText("auth.login_succeeded");
                assertThat(grid).containsText("auth.login_failed");
                // the grid recycles hidden rows, so filtering is checked on the live count
                Locator total = admin.page.locator(".audit-total");
                assertThat(grid).containsText("token.created");
                assertThat(grid).containsText("token.revoked");
                assertThat(grid).containsText("auth.logout");
                // and the demo dataset imported on the first start, by "system"
                assertThat(grid).containsText("dataset.version_created");
                assertThat(total).hasText("10 events");
                admin.page.locator("#audit-actor input").fill("reviewer1");
                admin.page.locator("#audit-actor input").press("Enter");
                assertThat(total).hasText("3 events");
                admin.screenshot("10-audit-log-filtered");
                admin.page.locator("#audit-actor input").fill("");
                admin.page.locator("#audit-actor input").press("Enter");
                assertThat(total).hasText("10 events");
                admin.screenshot("11-audit-log");
                assertThat(admin.consoleErrors).isEmpty();
            }
        }
    }

}
