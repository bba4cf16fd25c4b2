package dev.llmops.studio.evaluation;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.tabs.TabSheet;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.theme.lumo.LumoUtility;
import dev.llmops.studio.platform.BackgroundWork;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.platform.NotFoundException;
import dev.llmops.studio.platform.Notifications;
import dev.llmops.studio.registry.ModelRegistryService;
import dev.llmops.studio.registry.ModelVersionInfo;
import dev.llmops.studio.registry.RegisteredModel;
import dev.llmops.studio.security.CurrentUser;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import dev.llmops.studio.serving.EndpointInfo;
import dev.llmops.studio.serving.EndpointService;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One prompt suite: its cases (added, edited and deleted here, saved together), the judge for LLM_JUDGE cases,
 * running it against an endpoint or a model version with live progress, the results, the history of its test
 * runs, and the comparison of two of them.
 */
@Route("prompt-tests/:name")
@RequiresPermission(Permission.PROMPT_TESTS_VIEW)
public class PromptSuiteView extends VerticalLayout implements BeforeEnterObserver, HasDynamicTitle {

    private final List<ComparisonActions> comparisonActions;

    private static final String ENDPOINT = "Endpoint";
    private static final String MODEL = "Model version";

    /** A case with its place in the suite, as the grid shows it. */
    private record Row(int position, PromptCase promptCase) {
    }

    private final PromptSuiteService suites;
    private final PromptTestService tests;
    private final EndpointService endpoints;
    private final ModelRegistryService registry;
    private final CurrentUser currentUser;
    private final Grid<Row> caseGrid = new Grid<>(Row.class, false);
    private final Span unsaved = new Span("unsaved changes");
    private final Paragraph about = new Paragraph();
    private final Button save = new Button("Save suite", VaadinIcon.CHECK.create());
    private final ComboBox<String> judgeEndpoint = new ComboBox<>("Judge endpoint");
    private final TextArea judgeRubric = new TextArea("Rubric");
    private final RadioButtonGroup<String> targetKind = new RadioButtonGroup<>("Run against");
    private final ComboBox<String> endpoint = new ComboBox<>("Endpoint");
    private final ComboBox<String> model = new ComboBox<>("Model");
    private final ComboBox<Integer> version = new ComboBox<>("Version");
    private final IntegerField maxTokens = new IntegerField("Max tokens");
    private final NumberField temperature = new NumberField("Temperature");
    private final Button run = new Button("Run", VaadinIcon.PLAY.create());
    private final Button cancel = new Button("Cancel", VaadinIcon.STOP.create());
    private final ProgressBar progress = new ProgressBar();
    private final Span progressText = new Span();
    private final Div results = new Div();
    private final Grid<TestRunInfo> history = new Grid<>(TestRunInfo.class, false);
    private final Button compare = new Button("Compare", VaadinIcon.SCALE.create());
    private final Div comparison = new Div();
    private String name = "";
    private PromptSuite suite;
    private final List<PromptCase> cases = new ArrayList<>();
    private boolean canEdit;
    private TabSheet tabs;
    private BackgroundWork.Handle running;

    PromptSuiteView(PromptSuiteService suites, PromptTestService tests, EndpointService endpoints,
            ModelRegistryService registry, CurrentUser currentUser, List<ComparisonActions> comparisonActions) {
        this.comparisonActions = comparisonActions;
        this.suites = suites;
        this.tests = tests;
        this.endpoints = endpoints;
        this.registry = registry;
        this.currentUser = currentUser;
        setId("prompt-suite-view");
        configureCases();
        configureRun();
        configureHistory();
        addDetachListener(e -> {
            if (running != null) {
                running.cancel();
            }
        });
    }

    @Override
    public String getPageTitle() {
        return "Prompt suite " + name;
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        name = event.getRouteParameters().get("name").orElse("");
        removeAll();
        suite = suites.find(name).orElse(null);
        if (suite == null) {
            add(new H3("No prompt suite named “" + name + "”"), new Paragraph(new Span("Suites are listed on "),
                    new RouterLink("Prompt tests", PromptTestsView.class), new Span(".")));
            return;
        }
        canEdit = currentUser.has(Permission.PROMPT_TESTS_EDIT);
        H3 title = new H3(suite.name());
        title.setId("suite-title");
        title.addClassName(LumoUtility.Margin.NONE);
        unsaved.setId("suite-unsaved");
        unsaved.getElement().setAttribute("theme", "badge contrast");
        Div spacer = new Div();
        HorizontalLayout top = new HorizontalLayout(title, unsaved, spacer);
        top.setWidthFull();
        top.setAlignItems(FlexComponent.Alignment.CENTER);
        top.setFlexGrow(1, spacer);
        if (canEdit) {
            Button delete = new Button("Delete suite", VaadinIcon.TRASH.create(), e -> confirmDelete());
            delete.setId("delete-suite");
            delete.addThemeVariants(ButtonVariant.LUMO_ERROR);
            top.add(save, delete);
        }
        about.addClassName("panel-hint");

        tabs = new TabSheet();
        tabs.setId("suite-tabs");
        tabs.setWidthFull();
        tabs.add("Cases", casesTab()).setId("tab-cases");
        tabs.add("Run & results", runTab()).setId("tab-run");
        tabs.add("History & compare", historyTab()).setId("tab-history");
        add(top, about, tabs);
        load(suite);
        List<TestRunInfo> runs = refreshHistory();
        if (!runs.isEmpty()) {
            showReport(runs.get(0).id());
        }
    }

    // ---- cases ----

    private void configureCases() {
        caseGrid.setId("cases-grid");
        caseGrid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_WRAP_CELL_CONTENT,
                GridVariant.LUMO_COMPACT);
        caseGrid.setAllRowsVisible(true);
        caseGrid.addColumn(Row::position).setHeader("#").setAutoWidth(true).setFlexGrow(0);
        caseGrid.addColumn(r -> r.promptCase().shownPrompt()).setHeader("Prompt").setFlexGrow(3);
        caseGrid.addColumn(r -> r.promptCase().assertion()).setHeader("Assertion").setAutoWidth(true)
                .setFlexGrow(0);
        caseGrid.addColumn(r -> r.promptCase().expected() == null ? "" : r.promptCase().expected())
                .setHeader("Expected").setFlexGrow(2);
        caseGrid.addColumn(r -> r.promptCase().threshold() == null ? "" : r.promptCase().threshold().toString())
                .setHeader("Threshold").setAutoWidth(true).setFlexGrow(0);
        caseGrid.addColumn(r -> text(r.promptCase().label())).setHeader("Label").setAutoWidth(true).setFlexGrow(0);
        caseGrid.addColumn(r -> text(r.promptCase().group())).setHeader("Group").setAutoWidth(true).setFlexGrow(0);
        caseGrid.addComponentColumn(this::caseActions).setHeader("").setAutoWidth(true).setFlexGrow(0);
        Div empty = new Div(new Paragraph("No cases yet. Press Add case to write one: a prompt, what the answer must"
                + " satisfy (the assertion) and the expected value; or import a CSV/JSONL file on the Prompt tests"
                + " screen."));
        empty.addClassName("empty-state");
        caseGrid.setEmptyStateComponent(empty);
        save.setId("save-suite");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        save.addClickListener(e -> saveSuite());
        judgeEndpoint.setId("judge-endpoint");
        judgeEndpoint.setHelperText("Grades LLM_JUDGE cases: a deployed model that answers “Score: 1–5. reason”");
        judgeEndpoint.setClearButtonVisible(true);
        judgeEndpoint.setWidth("20rem");
        judgeEndpoint.addValueChangeListener(e -> markChanged(e.isFromClient()));
        judgeRubric.setId("judge-rubric");
        judgeRubric.setWidthFull();
        judgeRubric.setHelperText("What a good answer does, e.g. “Answers the question politely and correctly”;"
                + " a case's expected value replaces it for that case");
        judgeRubric.addValueChangeListener(e -> markChanged(e.isFromClient()));
    }

    private Component casesTab() {
        VerticalLayout tab = new VerticalLayout();
        tab.setPadding(false);
        if (canEdit) {
            Button add = new Button("Add case", VaadinIcon.PLUS.create(), e -> new CaseDialog("Add a case", null,
                    added -> {
                        cases.add(added);
                        casesChanged();
                    }).open());
            add.setId("add-case");
            tab.add(add);
        }
        Paragraph judgeHint = new Paragraph("The judge is asked with a fixed prompt (docs/metrics.md) and its score"
                + " passes at the case's threshold, 4 of 5 unless set.");
        judgeHint.addClassName("panel-hint");
        judgeEndpoint.setReadOnly(!canEdit);
        judgeRubric.setReadOnly(!canEdit);
        tab.add(caseGrid, new H4("LLM judge"), judgeHint, judgeEndpoint, judgeRubric);
        return tab;
    }

    private Component caseActions(Row row) {
        HorizontalLayout actions = new HorizontalLayout();
        actions.setSpacing(false);
        if (!canEdit) {
            return actions;
        }
        Button edit = new Button(VaadinIcon.EDIT.create(), e -> new CaseDialog("Case " + row.position(),
                row.promptCase(), edited -> {
                    cases.set(row.position() - 1, edited);
                    casesChanged();
                }).open());
        edit.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_SMALL);
        edit.setTooltipText("Edit case " + row.position());
        edit.addClassName("edit-case");
        Button delete = new Button(VaadinIcon.TRASH.create(), e -> {
            cases.remove(row.position() - 1);
            casesChanged();
        });
        delete.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_ERROR);
        delete.setTooltipText("Delete case " + row.position());
        delete.addClassName("delete-case");
        actions.add(edit, delete);
        return actions;
    }

    private void load(PromptSuite loaded) {
        suite = loaded;
        cases.clear();
        cases.addAll(loaded.cases());
        List<String> names = new ArrayList<>(endpoints.list().stream().map(EndpointInfo::name).toList());
        // a judge that is stopped or gone stays chosen until someone picks another; its cases fail with the reason
        if (loaded.judgeEndpoint() != null && !names.contains(loaded.judgeEndpoint())) {
            names.add(loaded.judgeEndpoint());
        }
        judgeEndpoint.setItems(names);
        judgeEndpoint.setValue(loaded.judgeEndpoint());
        judgeRubric.setValue(loaded.judgeRubric() == null ? "" : loaded.judgeRubric());
        about.setText((loaded.description() == null ? "" : loaded.description() + " · ") + "changed by "
                + loaded.updatedBy() + ", " + PromptTestsView.when(loaded.updatedAt()) + " UTC");
        showCases();
        unsaved.setVisible(false);
        save.setEnabled(false);
    }

    private void casesChanged() {
        showCases();
        markChanged(true);
    }

    private void showCases() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            rows.add(new Row(i + 1, cases.get(i)));
        }
        caseGrid.setItems(rows);
    }

    private void markChanged(boolean byUser) {
        if (byUser) {
            unsaved.setVisible(true);
            save.setEnabled(true);
        }
    }

    /** Saves the cases and judge settings; false (with the reason shown) when the service refuses them. */
    private boolean saveSuite() {
        try {
            load(suites.save(name, new SuiteContent(suite.description(), judgeEndpoint.getValue(),
                    judgeRubric.getValue(), cases)));
            Notifications.success("Saved " + name + " (" + cases.size() + " cases)");
            return true;
        } catch (InvalidRequestException | NotFoundException e) {
            Notifications.error(e.getMessage());
            return false;
        }
    }

    private void confirmDelete() {
        ConfirmDialog confirm = new ConfirmDialog("Delete " + name + "?", "Its cases are deleted; its test runs"
                + " stay readable in pipeline runs that made them.", "Delete", e -> {
                    suites.delete(name);
                    Notifications.success("Deleted " + name);
                    UI.getCurrent().navigate(PromptTestsView.class);
                });
        confirm.setId("confirm-delete-suite");
        confirm.setCancelable(true);
        confirm.setConfirmButtonTheme("error primary");
        confirm.open();
    }

    // ---- running ----

    private void configureRun() {
        targetKind.setId("run-target-kind");
        targetKind.setItems(ENDPOINT, MODEL);
        targetKind.setValue(ENDPOINT);
        targetKind.addValueChangeListener(e -> showTargetFields());
        endpoint.setId("run-endpoint");
        endpoint.setWidth("18rem");
        model.setId("run-model");
        model.setWidth("18rem");
        model.addValueChangeListener(e -> {
            List<Integer> versions = e.getValue() == null ? List.of() : registry.versions(e.getValue()).stream()
                    .map(ModelVersionInfo::version).toList();
            version.setItems(versions);
            version.setValue(versions.isEmpty() ? null : versions.get(0));
        });
        version.setId("run-version");
        version.setWidth("8rem");
        maxTokens.setId("run-max-tokens");
        maxTokens.setMin(1);
        maxTokens.setMax(4096);
        maxTokens.setValue(RunOptions.DEFAULT.maxTokens());
        maxTokens.setStepButtonsVisible(true);
        maxTokens.setWidth("9rem");
        temperature.setId("run-temperature");
        temperature.setMin(0);
        temperature.setMax(2);
        temperature.setStep(0.1);
        temperature.setValue(RunOptions.DEFAULT.temperature());
        temperature.setHelperText("0 repeats exactly");
        temperature.setStepButtonsVisible(true);
        temperature.setWidth("9rem");
        run.setId("run-suite");
        run.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        run.addClickListener(e -> startRun());
        cancel.setId("cancel-run");
        cancel.addThemeVariants(ButtonVariant.LUMO_ERROR);
        cancel.setVisible(false);
        cancel.addClickListener(e -> {
            if (running != null) {
                running.cancel();
            }
        });
        progress.setId("run-progress");
        progress.setVisible(false);
        progress.setWidth("24rem");
        progressText.setId("run-progress-text");
        results.setId("run-results");
        results.setWidthFull();
    }

    private Component runTab() {
        VerticalLayout tab = new VerticalLayout();
        tab.setPadding(false);
        endpoint.setItems(endpoints.list().stream().map(EndpointInfo::name).toList());
        model.setItems(registry.list(null).stream().map(RegisteredModel::name).toList());
        showTargetFields();
        if (canEdit) {
            HorizontalLayout target = new HorizontalLayout(targetKind, endpoint, model, version, maxTokens,
                    temperature, run, cancel);
            target.setAlignItems(FlexComponent.Alignment.BASELINE);
            target.addClassName(LumoUtility.FlexWrap.WRAP);
            HorizontalLayout status = new HorizontalLayout(progress, progressText);
            status.setAlignItems(FlexComponent.Alignment.CENTER);
            tab.add(target, status);
        }
        Div empty = new Div(new Paragraph(canEdit ? "No test run yet. Choose an endpoint (or a model version, which"
                + " is loaded for the test) and press Run." : "No test run yet."));
        empty.addClassName("empty-state");
        results.add(empty);
        tab.add(results);
        return tab;
    }

    private void showTargetFields() {
        boolean onEndpoint = ENDPOINT.equals(targetKind.getValue());
        endpoint.setVisible(onEndpoint);
        model.setVisible(!onEndpoint);
        version.setVisible(!onEndpoint);
    }

    private void startRun() {
        if (running != null) {
            return;
        }
        TestTarget target;
        try {
            target = ENDPOINT.equals(targetKind.getValue()) ? TestTarget.endpoint(endpoint.getValue())
                    : TestTarget.model(model.getValue(), version.getValue() == null ? 0 : version.getValue());
        } catch (IllegalArgumentException e) {
            Notifications.error("Choose what to run against: " + e.getMessage() + ".");
            return;
        }
        RunOptions options;
        try {
            options = new RunOptions(maxTokens.getValue() == null ? 0 : maxTokens.getValue(),
                    temperature.getValue() == null ? -1 : temperature.getValue());
        } catch (IllegalArgumentException e) {
            Notifications.error("Check the settings: " + e.getMessage() + ".");
            return;
        }
        if (save.isEnabled() && !saveSuite()) {
            return;
        }
        if (cases.isEmpty()) {
            Notifications.error("Add a case first.");
            return;
        }
        UI ui = UI.getCurrent();
        setRunning(true, "Starting…");
        progress.setValue(0);
        running = BackgroundWork.start(this, "prompt-test-" + name, handle -> tests.run(name, target, options,
                new TestProgress() {
                    @Override
                    public void answered(int done, int total) {
                        ui.access(() -> {
                            progress.setValue(done / (double) total);
                            progressText.setText(done + " of " + total + " answered");
                        });
                    }

                    @Override
                    public boolean cancelled() {
                        return handle.cancelled();
                    }
                }), report -> {
                    setRunning(false, "");
                    Notifications.success(String.format(Locale.ROOT, "%d of %d passed", report.metrics().passed(),
                            report.metrics().cases()));
                    showReport(report);
                    refreshHistory();
                }, error -> {
                    setRunning(false, "");
                    Notifications.error("The test did not finish: " + error.getMessage());
                    refreshHistory();
                });
    }

    private void setRunning(boolean busy, String text) {
        if (!busy) {
            running = null;
        }
        run.setEnabled(!busy);
        cancel.setVisible(busy);
        progress.setVisible(busy);
        progressText.setText(text);
    }

    private void showReport(long testRunId) {
        showReport(tests.report(testRunId));
    }

    private void showReport(TestReport report) {
        results.removeAll();
        results.add(new TestReportPanel(report));
    }

    // ---- history and comparison ----

    private void configureHistory() {
        history.setId("history-grid");
        history.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        history.setSelectionMode(Grid.SelectionMode.MULTI);
        history.setAllRowsVisible(true);
        history.addColumn(TestRunInfo::id).setHeader("Run").setAutoWidth(true).setFlexGrow(0);
        history.addColumn(r -> PromptTestsView.when(r.createdAt())).setHeader("Started (UTC)").setAutoWidth(true)
                .setFlexGrow(0);
        history.addColumn(TestReportPanel::target).setHeader("Against").setFlexGrow(2);
        history.addComponentColumn(PromptTestsView::passRate).setHeader("Result").setAutoWidth(true).setFlexGrow(0);
        history.addColumn(r -> r.runId() == null ? r.createdBy() : r.createdBy() + " (pipeline run " + r.runId()
                + ")").setHeader("By").setFlexGrow(1);
        history.addItemClickListener(e -> {
            showReport(e.getItem().id());
            tabs.setSelectedIndex(1);
        });
        history.addSelectionListener(e -> compare.setEnabled(e.getAllSelectedItems().size() == 2));
        Div empty = new Div(new Paragraph("No test runs yet: run the suite on the Run & results tab, or with a"
                + " Prompt test step in a pipeline."));
        empty.addClassName("empty-state");
        history.setEmptyStateComponent(empty);
        compare.setId("compare-runs");
        compare.setEnabled(false);
        compare.addClickListener(e -> compareSelected());
        comparison.setId("comparison-area");
        comparison.setWidthFull();
    }

    private Component historyTab() {
        Paragraph hint = new Paragraph("Click a run to see its results. Tick two runs and press Compare to see which"
                + " cases the newer one won or lost and how the metrics changed.");
        hint.addClassName("panel-hint");
        VerticalLayout tab = new VerticalLayout(hint, history, compare, comparison);
        tab.setPadding(false);
        return tab;
    }

    private List<TestRunInfo> refreshHistory() {
        List<TestRunInfo> runs = tests.history(name);
        history.setItems(runs);
        return runs;
    }

    private void compareSelected() {
        Set<TestRunInfo> selected = history.getSelectedItems();
        List<TestRunInfo> ordered = selected.stream().sorted((a, b) -> Long.compare(a.id(), b.id())).toList();
        comparison.removeAll();
        try {
            RunComparison compared = tests.compare(ordered.get(0).id(), ordered.get(1).id());
            comparison.add(new ComparisonPanel(compared));
            HorizontalLayout actions = new HorizontalLayout();
            comparisonActions.forEach(action -> action.actionsFor(compared).forEach(actions::add));
            if (actions.getComponentCount() > 0) {
                comparison.add(actions);
            }
        } catch (InvalidRequestException e) {
            Notifications.error(e.getMessage());
        }
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }
}
