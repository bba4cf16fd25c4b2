package dev.llmops.studio.designer;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import dev.llmops.studio.pipeline.PipelineService;
import dev.llmops.studio.pipeline.PipelineTemplate;
import dev.llmops.studio.pipeline.PipelineTemplates;
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

/** Every shipped template, created through the New pipeline dialog's service, renders complete and valid. */
@H2Test
class TemplatesRenderTest {

    @LocalServerPort
    int port;
    @Autowired
    Users users;
    @Autowired
    PipelineService pipelines;
    @Autowired
    PipelineTemplates templates;

    @Test
    void eachTemplateOpensWithAllItsStepsAndConnectionsAndNoIssues() {
        String engineer = users.create("templates", Role.ML_ENGINEER);
        List<PipelineTemplate> all = templates.all();
        org.assertj.core.api.Assertions.assertThat(all).extracting(PipelineTemplate::name).containsExactlyInAnyOrder(
                "Fine-tune and deploy", "Review and retrain loop", "Scheduled retrain with quality gate");
        try (BrowserSupport browser = new BrowserSupport(port); UserSession session = browser.newSession()) {
            session.signInExpectingSuccess(engineer, Users.PASSWORD);
            for (PipelineTemplate template : all) {
                long id = SignedIn.as(engineer, List.of(Role.ML_ENGINEER), () -> pipelines.create(
                        pipelines.freeName(template.name()), template.description(), template.graph(), null).id());
                session.open("/pipelines/" + id);
                assertThat(session.page.locator(".react-flow__node")).hasCount(template.graph().nodes().size());
                assertThat(session.page.locator(".react-flow__edge")).hasCount(template.graph().edges().size());
                assertThat(session.page.locator("#status-badge")).hasText("Ready to run");
                assertThat(session.page.locator("[data-testid=issue-badge]")).hasCount(0);
                session.screenshot("template-" + template.id());
            }
            assertThat(session.page.locator("body")).not().containsText("Internal error");
            org.assertj.core.api.Assertions.assertThat(session.consoleErrors).isEmpty();
        }
    }
}
