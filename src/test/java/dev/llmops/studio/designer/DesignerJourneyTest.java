package dev.llmops.studio.designer;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.BoundingBox;
import dev.llmops.studio.pipeline.GraphNode;
import dev.llmops.studio.pipeline.PipelineGraph;
import dev.llmops.studio.pipeline.PipelineService;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.support.BrowserSupport;
import dev.llmops.studio.support.BrowserSupport.UserSession;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.support.Users;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A domain expert builds the six-step pipeline by drag and drop in a real browser, sets parameters (one
 * invalid first), saves, reloads, undoes and redoes, restores an old version; a viewer only looks.
 */
@H2Test
class DesignerJourneyTest {

    private static final List<String> SIX_STEPS = List.of("dataset-upload", "fine-tune", "quantize", "deploy",
            "prompt-test", "human-review");

    @LocalServerPort
    int port;
    @Autowired
    Users users;
    @Autowired
    PipelineService pipelines;

    @Test
    void buildSaveReloadUndoRestoreAndReadOnlyViewing() {
        String expert = users.create("designer", Role.DOMAIN_EXPERT);
        String viewer = users.create("onlooker", Role.VIEWER);
        String name = Users.uniqueName("Support bot");
        long id;

        try (BrowserSupport browser = new BrowserSupport(port)) {
            try (UserSession session = browser.newSession()) {
                Page page = session.page;
                session.signInExpectingSuccess(expert, Users.PASSWORD);
                session.open("/pipelines");
                page.locator("#new-pipeline").click();
                page.locator("#new-pipeline-template vaadin-radio-button").filter(new Locator.FilterOptions()
                        .setHasText("Blank pipeline")).locator("input").check();
                assertThat(page.locator("#new-pipeline-name input")).hasValue("");
                page.locator("#new-pipeline-name input").fill(name);
                page.locator("#create-pipeline").click();
                page.waitForURL(Pattern.compile(".*/pipelines/\\d+$"));
                id = Long.parseLong(page.url().replaceAll(".*/pipelines/", ""));
                Locator pane = page.locator(".react-flow__pane");
                pane.waitFor();
                // the palette offers every catalog step: the six of the loop plus Evaluate and Quality gate
                assertThat(page.locator("[data-node-type]")).hasCount(8);
                for (String type : List.of("dataset-upload", "fine-tune", "quantize", "deploy", "prompt-test",
                        "human-review", "evaluate", "gate")) {
                    assertThat(page.locator("[data-node-type=" + type + "]")).isVisible();
                }
                session.screenshot("designer-01-empty");

                // drag the six steps from the palette onto the canvas, two per row
                for (int i = 0; i < SIX_STEPS.size(); i++) {
                    page.locator("[data-node-type=" + SIX_STEPS.get(i) + "]").dragTo(pane,
                            new Locator.DragToOptions().setTargetPosition(130 + (i % 2) * 270, 80 + (i / 2) * 180));
                }
                assertThat(page.locator(".react-flow__node")).hasCount(6);

                connect(page, "Dataset upload", "dataset", "Fine-tune", "dataset");
                connect(page, "Fine-tune", "model", "Quantize", "model");
                connect(page, "Quantize", "model", "Deploy", "model");
                connect(page, "Deploy", "endpoint", "Prompt test", "endpoint");
                connect(page, "Prompt test", "report", "Human review", "report");
                assertThat(page.locator(".react-flow__edge")).hasCount(5);

                // an incompatible connection is refused with a reason
                connect(page, "Dataset upload", "dataset", "Deploy", "model");
                assertThat(page.locator("[data-testid=connection-refused]")).isVisible();
                assertThat(page.locator("[data-testid=connection-refused]")).containsText("Deploy");
                session.screenshot("designer-02-refused-connection");
                assertThat(page.locator(".react-flow__edge")).hasCount(5);

                // parameters: an invalid value shows the server's message under the field
                node(page, "Fine-tune").click();
                Locator epochs = page.locator("#param-epochs");
                epochs.locator("input").fill("5000");
                epochs.locator("input").press("Tab");
                assertThat(epochs).containsText("must be at most 1000");
                assertThat(node(page, "Fine-tune").locator("[data-testid=issue-badge]")).isVisible();
                session.screenshot("designer-03-invalid-parameter");
                epochs.locator("input").fill("5");
                epochs.locator("input").press("Tab");
                assertThat(epochs).not().hasAttribute("invalid", "");

                fill(page, "Dataset upload", "dataset", "support-tickets");
                fill(page, "Deploy", "endpointName", "support-bot");
                fill(page, "Human review", "queue", "support-answers");
                assertThat(page.locator("#status-badge")).hasText("Ready to run");

                page.locator("#save-pipeline").click();
                page.locator("#save-message input").fill("six steps");
                page.locator("#confirm-save").click();
                assertThat(page.locator("#version-badge")).hasText("v2");
                assertThat(page.locator("#saved-badge")).hasText("All changes saved");
                session.screenshot("designer-04-saved");

                // reload: the same graph comes back from the server
                page.reload();
                assertThat(page.locator(".react-flow__node")).hasCount(6);
                assertThat(page.locator(".react-flow__edge")).hasCount(5);
                node(page, "Fine-tune").click();
                assertThat(page.locator("#param-epochs input")).hasValue("5");

                // undo and redo a deletion
                node(page, "Quantize").click();
                page.keyboard().press("Delete");
                assertThat(page.locator(".react-flow__node")).hasCount(5);
                assertThat(page.locator(".react-flow__edge")).hasCount(3);
                assertThat(page.locator("#saved-badge")).hasText("Unsaved changes");
                assertThat(page.locator("#status-badge")).containsText("issue");
                page.keyboard().press("Control+z");
                assertThat(page.locator(".react-flow__node")).hasCount(6);
                assertThat(page.locator(".react-flow__edge")).hasCount(5);
                page.keyboard().press("Control+Shift+z");
                assertThat(page.locator(".react-flow__node")).hasCount(5);
                page.locator("[data-action=undo]").click();
                assertThat(page.locator(".react-flow__node")).hasCount(6);

                // copy and paste a step, then undo the paste; the shortcut help lists the keys
                node(page, "Deploy").click();
                page.keyboard().press("Control+c");
                page.keyboard().press("Control+v");
                assertThat(page.locator(".react-flow__node")).hasCount(7);
                assertThat(node(page, "Deploy 2")).hasCount(1);
                assertThat(page.locator("#saved-badge")).hasText("Unsaved changes");
                page.keyboard().press("Control+z");
                assertThat(page.locator(".react-flow__node")).hasCount(6);
                assertThat(page.locator(".react-flow__edge")).hasCount(5);
                assertThat(page.locator("#status-badge")).hasText("Ready to run");
                assertThat(page.locator("#saved-badge")).hasText("Unsaved changes");
                page.locator("[data-action=help]").click();
                assertThat(page.locator("[data-testid=shortcut-help]")).containsText("Undo");
                assertThat(page.locator("[data-testid=shortcut-help]")).containsText("Paste");
                session.screenshot("designer-04b-shortcuts");
                page.keyboard().press("Escape");

                // restore the blank first version from the history
                page.locator("#open-history").click();
                assertThat(page.locator("#history-grid")).containsText("six steps");
                session.screenshot("designer-05-history");
                page.locator("#restore-v1").click();
                page.locator("vaadin-confirm-dialog-overlay vaadin-button, vaadin-confirm-dialog vaadin-button")
                        .filter(new Locator.FilterOptions().setHasText("Restore")).click();
                assertThat(page.locator("#version-badge")).hasText("v3");
                assertThat(page.locator(".react-flow__node")).hasCount(0);
                assertThat(session.consoleErrors).isEmpty();
            }

            PipelineGraph saved = SignedIn.as(expert, List.of(Role.DOMAIN_EXPERT), () -> pipelines.version(id, 2));
            assertThat(saved.nodes()).extracting(GraphNode::type).containsExactlyInAnyOrderElementsOf(SIX_STEPS);
            assertThat(saved.edges()).hasSize(5);
            assertThat(saved.nodes().stream().filter(n -> n.type().equals("fine-tune")).findFirst().orElseThrow()
                    .params().get("epochs")).isEqualTo(5);

            SignedIn.run(expert, List.of(Role.DOMAIN_EXPERT), () -> pipelines.restore(id, 2, 3));
            try (UserSession session = browser.newSession()) {
                Page page = session.page;
                session.signInExpectingSuccess(viewer, Users.PASSWORD);
                session.open("/pipelines/" + id);
                assertThat(page.locator(".react-flow__node")).hasCount(6);
                assertThat(page.locator("[data-testid=read-only-badge]")).isVisible();
                assertThat(page.locator("[data-node-type]")).hasCount(0);
                assertThat(page.locator("#save-pipeline")).not().isVisible();
                node(page, "Fine-tune").click();
                assertThat(page.locator("#param-epochs")).hasAttribute("readonly", "");
                session.screenshot("designer-06-viewer-read-only");
                assertThat(session.consoleErrors).isEmpty();
            }
        }
    }

    private static Locator node(Page page, String label) {
        return page.locator(".react-flow__node").filter(new Locator.FilterOptions().setHasText(label));
    }

    private static void fill(Page page, String nodeLabel, String param, String value) {
        node(page, nodeLabel).click();
        Locator input = page.locator("#param-" + param + " input");
        input.fill(value);
        input.press("Tab");
        assertThat(page.locator("#param-" + param)).not().hasAttribute("invalid", "");
    }

    /** Drags from an output handle to an input handle with real mouse moves, as a user would. */
    private static void connect(Page page, String fromLabel, String fromPort, String toLabel, String toPort) {
        BoundingBox from = node(page, fromLabel).locator(".react-flow__handle.source[data-handleid=" + fromPort + "]")
                .boundingBox();
        BoundingBox to = node(page, toLabel).locator(".react-flow__handle.target[data-handleid=" + toPort + "]")
                .boundingBox();
        page.mouse().move(from.x + from.width / 2, from.y + from.height / 2);
        page.mouse().down();
        page.mouse().move(to.x + to.width / 2, to.y + to.height / 2, new com.microsoft.playwright.Mouse.MoveOptions()
                .setSteps(15));
        page.mouse().up();
    }
}
