package dev.llmops.studio.evaluation;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteParameters;
import com.vaadin.flow.server.streams.UploadHandler;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.platform.Notifications;
import dev.llmops.studio.platform.PeriodicRefresh;
import dev.llmops.studio.security.CurrentUser;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;

/**
 * Every prompt suite with how its latest test went; new suites are written here or imported from a file.
 * Refreshed every 5 s: pipeline steps and other people run tests without an event reaching this screen.
 */
@Route("prompt-tests")
@PageTitle("Prompt tests")
@Menu(order = 19, icon = "vaadin:comment-ellipsis-o", title = "Prompt tests")
@RequiresPermission(Permission.PROMPT_TESTS_VIEW)
public class PromptTestsView extends VerticalLayout {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final PromptSuiteService suites;
    private final Grid<PromptSuiteSummary> grid = new Grid<>(PromptSuiteSummary.class, false);

    PromptTestsView(PromptSuiteService suites, CurrentUser currentUser) {
        this.suites = suites;
        setId("prompt-tests-view");
        setSizeFull();
        Paragraph hint = new Paragraph("A prompt suite is a list of prompts with what a good answer must satisfy"
                + " (contains a text, matches a pattern or a JSON Schema, names the right label, is graded well by"
                + " a judge model …). Run it against an endpoint or a model version to get the pass rate and, for"
                + " classification cases, precision, recall and F1; compare two runs to see what got better.");
        hint.addClassName("panel-hint");
        add(hint);
        if (currentUser.has(Permission.PROMPT_TESTS_EDIT)) {
            Button create = new Button("New suite", VaadinIcon.PLUS.create(), e -> newSuite());
            create.setId("new-suite");
            create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            Button importFile = new Button("Import CSV/JSONL", VaadinIcon.UPLOAD.create(), e -> importDialog());
            importFile.setId("import-suite");
            add(new HorizontalLayout(create, importFile));
        }

        grid.setId("suites-grid");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_WRAP_CELL_CONTENT);
        grid.addColumn(PromptSuiteSummary::name).setHeader("Suite").setFlexGrow(1);
        grid.addColumn(s -> s.description() == null ? "" : s.description()).setHeader("Description").setFlexGrow(2);
        grid.addColumn(PromptSuiteSummary::cases).setHeader("Cases").setAutoWidth(true).setFlexGrow(0);
        grid.addComponentColumn(s -> s.latestRun() == null ? new Span("not run yet") : passRate(s.latestRun()))
                .setHeader("Latest run").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(s -> s.latestRun() == null ? "" : s.latestRun().target().label()).setHeader("Against")
                .setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(s -> s.updatedBy() + ", " + when(s.updatedAt())).setHeader("Changed (UTC)").setAutoWidth(true)
                .setFlexGrow(0);
        grid.addItemClickListener(e -> open(e.getItem().name()));
        Div empty = new Div(new Paragraph("No prompt suites yet. Press New suite to write cases one by one, or"
                + " Import CSV/JSONL for a file with the columns prompt, expected, assertion, threshold, label and"
                + " group."));
        empty.addClassName("empty-state");
        grid.setEmptyStateComponent(empty);
        grid.setSizeFull();
        add(grid);
        refresh();
        PeriodicRefresh.whileAttached(this, Duration.ofSeconds(5), this::refresh);
    }

    private void refresh() {
        grid.setItems(suites.list());
    }

    private void open(String name) {
        getUI().ifPresent(ui -> ui.navigate(PromptSuiteView.class, new RouteParameters("name", name)));
    }

    private void newSuite() {
        Dialog dialog = dialog("new-suite-dialog", "New prompt suite", "32rem");
        TextField name = nameField("new-suite-name", "Letters, digits, spaces, dots, dashes, e.g. support-smoke-tests");
        TextArea description = new TextArea("Description");
        description.setId("new-suite-description");
        description.setWidthFull();
        Button create = new Button("Create", e -> {
            try {
                PromptSuite suite = suites.create(name.getValue(), new SuiteContent(description.getValue(), null,
                        null, null));
                dialog.close();
                open(suite.name());
            } catch (InvalidRequestException ex) {
                name.setErrorMessage(ex.getMessage());
                name.setInvalid(true);
            }
        });
        create.setId("new-suite-create");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        dialog.add(new VerticalLayout(name, description));
        dialog.getFooter().add(new Button("Cancel", e -> dialog.close()), create);
        dialog.open();
        name.focus();
    }

    /** A file becomes a suite (a new name) or replaces an existing suite's cases; nothing changes on an error. */
    private void importDialog() {
        Dialog dialog = dialog("import-suite-dialog", "Import a prompt suite", "36rem");
        TextField name = nameField("import-suite-name", "A new name creates the suite; an existing suite gets the"
                + " file's cases instead of its own");
        Paragraph format = new Paragraph("CSV with a header row prompt, expected, assertion, threshold, label, group"
                + " (only prompt is required), or JSONL with one object a line: {\"prompt\": …} or {\"messages\":"
                + " [{\"role\": \"user\", \"content\": …}]} and the same keys. Assertions: "
                + String.join(", ", Arrays.stream(AssertionType.values()).map(Enum::name).toList())
                + ". A file with a problem imports nothing; the message names its line and column.");
        format.addClassName("panel-hint");
        Paragraph problem = new Paragraph();
        problem.setId("import-suite-problem");
        problem.getStyle().set("color", "var(--lumo-error-text-color)");
        problem.setVisible(false);
        Upload upload = new Upload(UploadHandler.toTempFile((metadata, file) -> getUI().ifPresent(ui ->
                ui.access(() -> imported(dialog, name, problem, metadata.fileName(), file.toPath())))));
        upload.setId("import-suite-file");
        upload.setMaxFiles(1);
        upload.setMaxFileSize((int) PromptSuiteFiles.MAX_BYTES);
        upload.setAcceptedFileTypes(".csv", ".tsv", ".jsonl", ".ndjson", ".txt");
        upload.setDropLabel(new Span("Drop a CSV or JSONL file here"));
        upload.addFileRejectedListener(e -> Notifications.error(e.getErrorMessage()));
        dialog.add(new VerticalLayout(name, format, upload, problem));
        dialog.getFooter().add(new Button("Close", e -> dialog.close()));
        dialog.open();
        name.focus();
    }

    private void imported(Dialog dialog, TextField name, Paragraph problem, String fileName, Path file) {
        try {
            if (name.getValue().isBlank()) {
                name.setValue(fileName.replaceFirst("\\.[^.]+$", "").replaceAll("[^A-Za-z0-9 ._-]", "-"));
            }
            PromptSuite suite = suites.importFile(name.getValue(), file, fileName);
            Notifications.success("Imported " + suite.cases().size() + " cases into " + suite.name());
            dialog.close();
            UI.getCurrent().navigate(PromptSuiteView.class, new RouteParameters("name", suite.name()));
        } catch (InvalidRequestException | IOException e) {
            problem.setText(e.getMessage());
            problem.setVisible(true);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary file; the OS cleans its temp folder
            }
        }
    }

    private static Dialog dialog(String id, String title, String width) {
        Dialog dialog = new Dialog();
        dialog.setId(id);
        dialog.setHeaderTitle(title);
        dialog.setWidth(width);
        return dialog;
    }

    private static TextField nameField(String id, String help) {
        TextField name = new TextField("Suite name");
        name.setId(id);
        name.setWidthFull();
        name.setHelperText(help);
        // a file dropped on the upload does not take the focus from the field, so its value must not wait for it
        name.setValueChangeMode(ValueChangeMode.EAGER);
        return name;
    }

    /** The pass rate as a badge: green when everything passed, red when a run failed, else plain. */
    static Span passRate(TestRunInfo run) {
        Span badge = new Span();
        if (run.status() == TestRunStatus.RUNNING) {
            badge.setText("running");
            badge.getElement().setAttribute("theme", "badge");
        } else if (run.status() == TestRunStatus.FAILED) {
            badge.setText("failed");
            badge.getElement().setAttribute("theme", "badge error");
        } else {
            badge.setText(String.format(Locale.ROOT, "%.0f %% passed (%d of %d)", 100 * run.passRate(), run.passed(),
                    run.cases()));
            badge.getElement().setAttribute("theme", "badge " + (run.passed() == run.cases() ? "success"
                    : run.passed() == 0 ? "error" : "contrast"));
        }
        return badge;
    }

    static String when(OffsetDateTime time) {
        return time == null ? "" : WHEN.format(time.atZoneSameInstant(ZoneOffset.UTC));
    }
}
