package dev.llmops.studio.feedback;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.llmops.studio.dataset.ChatMessage;
import dev.llmops.studio.dataset.DatasetRecord;
import dev.llmops.studio.dataset.DatasetService;
import dev.llmops.studio.dataset.DatasetVersionInfo;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.support.BrowserSupport;
import dev.llmops.studio.support.BrowserSupport.UserSession;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.support.Users;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A reviewer works through a queue from the keyboard: rates an item, moves on and back and finds the draft kept,
 * submits; chooses the better of two answers shown in the order drawn for them; corrects the last answer; is
 * done. A domain expert then opens the queue's dashboard and exports the reviews as a dataset version holding
 * the corrected answer.
 */
@H2Test
class ReviewJourneyTest {

    private static final String CORRECTED = "Open Settings, choose Security, then Reset password: we e-mail you a"
            + " link that works for one hour.";

    @LocalServerPort
    int port;
    @Autowired
    ReviewService reviews;
    @Autowired
    DatasetService datasets;
    @Autowired
    Users users;

    @Test
    void reviewFromTheKeyboardThenExportTheCorrectedAnswers() throws Exception {
        String expert = users.create("review-expert", Role.DOMAIN_EXPERT);
        String reviewer = users.create("reviewer", Role.REVIEWER);
        String queue = Users.uniqueName("support-answers");
        SignedIn.run(expert, List.of(Role.DOMAIN_EXPERT), () -> {
            reviews.createQueue(queue, "Is the answer correct and helpful for a customer? Correct it when it is"
                    + " not.", 1);
            reviews.addItems(queue, "journey test", List.of(
                    NewReviewItem.single("How long does shipping take?", "Policy: 3 to 5 working days in the EU.",
                            "Shipping takes 3 to 5 working days within the EU.", "support-v2"),
                    NewReviewItem.pairwise("Can I return an item I bought on sale?",
                            "Yes: sale items can be returned within 30 days, like any other item.", "support-v2",
                            "No, sale items are final.", "support-v3"),
                    NewReviewItem.single("How do I reset my password?", null, "Call us.", "support-v2")),
                    new ReviewService.Reviewers(List.of(reviewer)), null, null);
        });
        String comment = "Right, 5 stars with the 2 options";
        String shownLeft;

        try (BrowserSupport browser = new BrowserSupport(port); UserSession session = browser.newSession()) {
            Page page = session.page;
            session.signInExpectingSuccess(reviewer, Users.PASSWORD);
            page.locator("#main-nav vaadin-side-nav-item[path='review']").click();
            assertThat(page).hasURL(Pattern.compile(".*/review$"));
            Locator card = page.locator("#my-review-queues .review-card").filter(new Locator.FilterOptions()
                    .setHasText(queue));
            assertThat(card.locator(".review-queue-progress")).hasText("0 of 3 reviewed");
            session.screenshot("review-01-queue-list");
            card.getByText("Start reviewing", new Locator.GetByTextOptions().setExact(true)).click();

            // the pattern runs as a browser RegExp, which has no \\Q…\\E quoting: the name is letters, digits, '-'
            assertThat(page).hasURL(Pattern.compile(".*/review/" + queue + "$"));
            assertThat(page.locator("#review-position")).hasText("Item 1 of 3");
            assertThat(page.locator("#review-instructions")).hasText(Pattern.compile("^Is the answer correct"));
            assertThat(page.locator("#review-shortcuts")).containsText("Ctrl+Enter");
            page.keyboard().press("4");
            assertThat(page.locator("#rate-4")).hasAttribute("aria-pressed", "true");
            // digits typed in the comment are text, not ratings
            page.locator("#review-comment textarea").pressSequentially(comment);
            assertThat(page.locator("#review-saved")).hasText(Pattern.compile("^Draft saved"));
            assertThat(page.locator("#rate-5")).hasAttribute("aria-pressed", "false");
            assertThat(page.locator("#rate-4")).hasAttribute("aria-pressed", "true");
            session.screenshot("review-02-rating");
            page.locator("#review-prompt").click(); // out of the comment: keys are shortcuts again

            page.keyboard().press("j");
            assertThat(page.locator("#review-position")).hasText("Item 2 of 3");
            page.keyboard().press("k");
            assertThat(page.locator("#review-position")).hasText("Item 1 of 3");
            assertThat(page.locator("#rate-4")).hasAttribute("aria-pressed", "true");
            assertThat(page.locator("#review-comment textarea")).hasValue(comment);
            page.keyboard().press("Control+Enter");

            assertThat(page.locator("#review-position")).hasText("Item 2 of 3");
            assertThat(page.locator("#review-progress")).hasText("1 of 3 reviewed");
            page.keyboard().press("Control+Enter");
            assertThat(page.locator("vaadin-notification-card").filter(new Locator.FilterOptions()
                    .setHasText("Choose the better answer"))).isVisible();
            assertThat(page.locator("#review-position")).hasText("Item 2 of 3");
            shownLeft = page.locator("#response-left .review-text").textContent();
            page.keyboard().press("a");
            assertThat(page.locator("#response-left")).hasClass(Pattern.compile("\\bchosen\\b"));
            assertThat(page.locator("#choose-left")).hasAttribute("aria-pressed", "true");
            session.screenshot("review-03-pairwise");
            page.keyboard().press("Control+Enter");

            assertThat(page.locator("#review-position")).hasText("Item 3 of 3");
            page.keyboard().press("e");
            Locator correction = page.locator("#review-correction textarea");
            assertThat(correction).hasValue("Call us.");
            assertThat(correction).isFocused();
            correction.fill(CORRECTED);
            session.screenshot("review-04-correction");
            correction.press("Control+Enter");

            assertThat(page.locator("#review-message")).hasText("All done — thank you");
            session.screenshot("review-05-done");
            Assertions.assertThat(session.consoleErrors).isEmpty();
        }

        List<ReviewTask> mine = SignedIn.as(reviewer, List.of(Role.REVIEWER), () -> tasksOf(queue));
        Assertions.assertThat(mine).extracting(ReviewTask::submitted).containsExactly(true, true, true);
        Assertions.assertThat(mine.get(0).saved().rating()).isEqualTo(4);
        Assertions.assertThat(mine.get(0).saved().comment()).isEqualTo(comment);
        ReviewTask pair = mine.get(1);
        String preferred = pair.saved().preferred() == Preference.A ? pair.response() : pair.responseB();
        Assertions.assertThat(preferred).as("the answer shown on the left, whichever it was").isEqualTo(shownLeft);
        Assertions.assertThat(mine.get(2).saved().corrected()).isEqualTo(CORRECTED);

        String dataset = queue + "-reviewed";
        try (BrowserSupport browser = new BrowserSupport(port); UserSession session = browser.newSession()) {
            Page page = session.page;
            session.signInExpectingSuccess(expert, Users.PASSWORD);
            session.open("/review-queues");
            page.locator("#review-queues-grid vaadin-grid-cell-content").filter(new Locator.FilterOptions()
                    .setHasText(queue)).first().click();
            assertThat(page).hasURL(Pattern.compile(".*/review-queues/" + queue + "$"));
            assertThat(page.locator("#review-queue-progress")).containsText("3 of 3 reviews submitted");
            assertThat(page.locator("#reviewers-grid")).containsText(reviewer);
            assertThat(page.locator("#rating-distribution")).containsText("4 ★");
            assertThat(page.locator("#agreement-kappa")).hasText("not enough overlapping reviews yet");
            assertThat(page.locator("#left-share")).containsText("chosen in 1 of 1 choices (100 %)");
            session.screenshot("review-06-dashboard");
            page.locator("#disagreements-grid").scrollIntoViewIfNeeded();
            session.screenshot("review-06b-agreement");

            Download pairs = page.waitForDownload(() -> page.locator("#download-preferences").click());
            String jsonl = Files.readString(pairs.path());
            Assertions.assertThat(jsonl.lines()).hasSize(2);
            Assertions.assertThat(jsonl).contains(CORRECTED).contains(shownLeft);

            page.locator("#export-reviews").click();
            assertThat(page.locator("#export-dataset-name input")).hasValue(dataset);
            page.locator("#export-confirm").click();
            assertThat(page.locator("#export-result")).containsText("3 example(s) written to " + dataset + " v1.");
            assertThat(page.locator("#export-counts")).containsText("1 corrected");
            assertThat(page.locator("#export-counts")).containsText("1 accepted");
            assertThat(page.locator("#export-counts")).containsText("1 preferred (pairwise)");
            assertThat(page.locator("#export-counts")).containsText("2 preference pair(s)");
            session.screenshot("review-07-export");
            page.locator("#export-version-link").click();
            assertThat(page).hasURL(Pattern.compile(".*/dataset/" + dataset + "$"));
            assertThat(page.locator("#dataset-title")).hasText(dataset);
            Assertions.assertThat(session.consoleErrors).isEmpty();
        }

        List<DatasetRecord> exported = SignedIn.as(expert, List.of(Role.DOMAIN_EXPERT), () -> {
            DatasetVersionInfo version = datasets.versions(dataset).get(0);
            return datasets.head(dataset, version.version(), 10);
        });
        Assertions.assertThat(exported).flatExtracting(DatasetRecord::messages).extracting(ChatMessage::content)
                .contains(CORRECTED, shownLeft);
    }

    /** The reviewer's items in order, from their first. */
    private List<ReviewTask> tasksOf(String queue) {
        List<ReviewTask> tasks = new ArrayList<>();
        Optional<ReviewTask> next = reviews.first(queue);
        while (next.isPresent()) {
            tasks.add(next.get());
            next = reviews.neighbour(queue, next.get().assignmentId(), true);
        }
        return tasks;
    }
}
