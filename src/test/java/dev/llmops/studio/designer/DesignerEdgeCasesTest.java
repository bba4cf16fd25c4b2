package dev.llmops.studio.designer;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.FilePayload;
import dev.llmops.studio.pipeline.GraphNode;
import dev.llmops.studio.pipeline.PipelineGraph;
import dev.llmops.studio.pipeline.PipelineService;
import dev.llmops.studio.pipeline.PipelineTemplates;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.support.BrowserSupport;
import dev.llmops.studio.support.BrowserSupport.UserSession;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.support.Users;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The paths where users go wrong: a concurrent save, a broken import file, finding the step an issue is about. */
@H2Test
class DesignerEdgeCasesTest {

    @LocalServerPort
    int port;
    @Autowired
    Users users;
    @Autowired
    PipelineService pipelines;
    @Autowired
    PipelineTemplates templates;

    @Test
    void concurrentSaveBrokenImportAndIssueNavigation() {
        String alice = users.create("alice", Role.ML_ENGINEER);
        String bob = users.create("bob", Role.DOMAIN_EXPERT);
        PipelineGraph template = templates.get("fine-tune-and-deploy").graph();
        long id = SignedIn.as(alice, List.of(Role.ML_ENGINEER), () -> pipelines.create(
                Users.uniqueName("Contested"), null, template, null).id());

        try (BrowserSupport browser = new BrowserSupport(port); UserSession session = browser.newSession()) {
            Page page = session.page;
            session.signInExpectingSuccess(alice, Users.PASSWORD);
            session.open("/pipelines/" + id);
            assertThat(page.locator(".react-flow__node")).hasCount(6);

            // Alice edits on the canvas while Bob saves version 2 elsewhere
            page.locator(".react-flow__node").filter(new Locator.FilterOptions().setHasText("Quantize")).click();
            page.keyboard().press("Delete");
            assertThat(page.locator("#saved-badge")).hasText("Unsaved changes");
            SignedIn.run(bob, List.of(Role.DOMAIN_EXPERT), () -> pipelines.save(id, 1, template, "bob's save"));

            // the removed Quantize leaves Deploy's model input unconnected: an issue; clicking it selects Deploy
            page.locator("vaadin-tab").filter(new Locator.FilterOptions().setHasText("Issues")).click();
            Locator issue = page.locator(".issue-item").filter(new Locator.FilterOptions().setHasText("Deploy"));
            assertThat(issue).containsText("required");
            issue.first().click();
            assertThat(page.locator(".react-flow__node.selected")).containsText("Deploy");
            assertThat(page.locator("#properties-panel")).containsText("Endpoint name");

            page.locator("#save-pipeline").click();
            page.locator("#confirm-save").click();
            // the dialog's text lives in its overlay; the element's message property is the stable way to read it
            page.waitForCondition(() -> String.valueOf(page.locator("#conflict-dialog").evaluate("d => d.message"))
                    .contains(bob + " saved version 2"));
            session.screenshot("designer-conflict");
            page.locator("vaadin-button").filter(new Locator.FilterOptions().setHasText("Save mine as a copy")).click();
            page.waitForURL(Pattern.compile(".*/pipelines/(?!" + id + "$)\\d+$"));
            assertThat(page.locator(".react-flow__node")).hasCount(5);
            assertThat(page.locator(".designer-title")).containsText("(my copy)");
            org.assertj.core.api.Assertions.assertThat(SignedIn.as(alice, List.of(Role.ML_ENGINEER),
                    () -> pipelines.open(id).graph().nodes())).extracting(GraphNode::type).contains("quantize");

            // a file that is not a pipeline is refused with its reasons
            session.open("/pipelines");
            page.locator("#import-pipeline").click();
            page.locator("#import-upload input[type=file]").setInputFiles(new FilePayload("broken.json",
                    "application/json", "{\"schemaVersion\": 1, \"nodes\": [{\"id\": \"a\"}], }"
                            .getBytes(StandardCharsets.UTF_8)));
            assertThat(page.locator("#import-errors")).containsText("broken.json");
            assertThat(page.locator("#import-errors")).containsText("line 1");
            session.screenshot("designer-import-refused");
            org.assertj.core.api.Assertions.assertThat(new ArrayList<>(session.consoleErrors)).isEmpty();
        }
    }
}
