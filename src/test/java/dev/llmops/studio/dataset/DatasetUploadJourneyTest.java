package dev.llmops.studio.dataset;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.support.BrowserSupport;
import dev.llmops.studio.support.BrowserSupport.UserSession;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.Users;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A domain expert uploads a CSV in the browser: sees the format and first rows, the suggested mapping, checks the
 * file (rejected rows with line and column, personal data found), creates the version and lands on its page.
 */
@H2Test
class DatasetUploadJourneyTest {

    @LocalServerPort
    int port;
    @Autowired
    Users users;
    @TempDir
    Path dir;

    @Test
    void uploadMapCheckAndCreateAVersion() throws Exception {
        String expert = users.create("data-expert", Role.DOMAIN_EXPERT);
        String dataset = Users.uniqueName("faq");
        Path csv = Files.writeString(dir.resolve("faq.csv"), "question;answer;category\n"
                + "How do I return an item?;Print the label from your e-mail and drop the parcel off.;returns\n"
                + "Can you mail me at dana.fox@example.org?;Sure, we will write to you today.;contact\n"
                + "Where is my order?;;shipping\n"
                + "Do you ship abroad?;Yes, to 30 countries.;shipping\n", StandardCharsets.UTF_8);
        try (BrowserSupport browser = new BrowserSupport(port); UserSession session = browser.newSession()) {
            session.signInExpectingSuccess(expert, Users.PASSWORD);
            Page page = session.page;
            session.open("/datasets");
            assertThat(page.locator("#datasets-grid")).containsText("support-replies");
            page.locator("#upload-dataset").click();
            page.locator("#dataset-name input").fill(dataset);
            page.locator("#dataset-name input").press("Enter");
            page.locator("#dataset-file input[type=file]").setInputFiles(csv);

            assertThat(page.locator("#dataset-format")).containsText("CSV, delimiter “;”, 3 columns");
            assertThat(page.locator("#dataset-preview")).containsText("How do I return an item?");
            assertThat(page.locator("#map-prompt")).hasText(Pattern.compile("question"));
            assertThat(page.locator("#map-response")).hasText(Pattern.compile("answer"));
            assertThat(page.locator("#map-label")).hasText(Pattern.compile("category"));

            session.screenshot("dataset-upload-analysed");
            page.locator("#check-file").click();
            Locator report = page.locator("#dataset-report");
            assertThat(page.locator("#report-summary")).containsText("4 rows read · 3 usable examples · 1 rejected");
            assertThat(page.locator("#row-errors")).containsText("faq.csv");
            assertThat(page.locator("#row-errors")).containsText("empty response");
            assertThat(page.locator("#pii-report")).containsText("prompt (column question)");
            assertThat(page.locator("#pii-report")).containsText("e-mail address");
            assertThat(page.locator("#pii-report")).not().containsText("dana.fox@example.org");
            assertThat(report).containsText("Labels");
            session.screenshot("dataset-upload-checked");

            page.locator("#create-version").click();
            assertThat(page.locator("#dataset-title")).hasText(dataset);
            assertThat(page.locator("#versions-grid")).containsText("upload of faq.csv");
            assertThat(page.locator("#version-examples")).containsText("<EMAIL>");
            session.screenshot("dataset-version");
            org.assertj.core.api.Assertions.assertThat(session.consoleErrors).isEmpty();
        }
    }
}
