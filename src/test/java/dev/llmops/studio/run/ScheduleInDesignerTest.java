package dev.llmops.studio.run;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.llmops.studio.pipeline.PipelineGraph;
import dev.llmops.studio.pipeline.PipelineService;
import dev.llmops.studio.pipeline.PipelineTemplates;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.support.BrowserSupport;
import dev.llmops.studio.support.BrowserSupport.UserSession;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.support.Users;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.quartz.CronTrigger;
import org.quartz.Scheduler;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The schedule in the designer's pipeline settings: edit, validation, next runs, save, read-only for viewers. */
@H2Test
class ScheduleInDesignerTest {

    @LocalServerPort
    int port;
    @Autowired
    Users users;
    @Autowired
    PipelineService pipelines;
    @Autowired
    PipelineTemplates templates;
    @Autowired
    Scheduler quartz;

    @Test
    void theScheduleIsEditedInThePipelineSettingsAndTakesEffectWhenSaved() throws Exception {
        String engineer = users.create("cron-editor", Role.ML_ENGINEER);
        String viewer = users.create("cron-viewer", Role.VIEWER);
        PipelineGraph template = templates.get("fine-tune-and-deploy").graph();
        long id = SignedIn.as(engineer, List.of(Role.ML_ENGINEER), () -> pipelines.create(
                Users.uniqueName("Nightly"), null, template, null).id());

        try (BrowserSupport browser = new BrowserSupport(port)) {
            try (UserSession session = browser.newSession()) {
                Page page = session.page;
                session.signInExpectingSuccess(engineer, Users.PASSWORD);
                session.open("/pipelines/" + id);
                Locator schedule = page.locator("#pipeline-schedule");
                Locator nextRuns = page.locator("#next-runs");
                assertThat(schedule).isVisible();
                assertThat(nextRuns).hasText("Not scheduled");
                assertThat(page.locator("#properties-panel")).containsText("Select a step");

                schedule.locator("input").fill("every night");
                schedule.locator("input").press("Enter");
                assertThat(schedule).hasAttribute("invalid", "");
                assertThat(schedule).containsText("not a valid Quartz cron expression");
                assertThat(nextRuns).hasText("Not scheduled");
                assertThat(page.locator("#saved-badge")).hasText("Unsaved changes");

                schedule.locator("input").fill("0 30 2 * * ?");
                schedule.locator("input").press("Enter");
                assertThat(schedule).not().hasAttribute("invalid", "");
                assertThat(nextRuns).hasText(Pattern.compile(
                        "Next runs: \\w{3} \\S+ 02:30:00, \\w{3} \\S+ 02:30:00, \\w{3} \\S+ 02:30:00 \\(UTC\\)"));
                assertThat(page.locator("#status-badge")).hasText("Ready to run");
                session.screenshot("designer-schedule");

                page.locator("#save-pipeline").click();
                page.locator("#confirm-save").click();
                assertThat(page.locator("#saved-badge")).hasText("All changes saved");
            }
            org.assertj.core.api.Assertions.assertThat(SignedIn.as(engineer, List.of(Role.ML_ENGINEER),
                    () -> pipelines.open(id).graph().schedule())).isEqualTo("0 30 2 * * ?");
            org.assertj.core.api.Assertions.assertThat(
                    ((CronTrigger) quartz.getTrigger(PipelineScheduler.triggerKey(id))).getCronExpression())
                    .isEqualTo("0 30 2 * * ?");

            try (UserSession session = browser.newSession()) {
                session.signInExpectingSuccess(viewer, Users.PASSWORD);
                session.open("/pipelines/" + id);
                assertThat(session.page.locator("#pipeline-schedule")).hasAttribute("readonly", "");
                assertThat(session.page.locator("#next-runs")).containsText("02:30:00");
            }
        } finally {
            SignedIn.run(engineer, List.of(Role.ML_ENGINEER), () -> pipelines.delete(id));
        }
    }
}
