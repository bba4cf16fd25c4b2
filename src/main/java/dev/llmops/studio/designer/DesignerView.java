package dev.llmops.studio.designer;

import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.KeyModifier;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.splitlayout.SplitLayout;
import com.vaadin.flow.component.tabs.TabSheet;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.BeforeLeaveEvent;
import com.vaadin.flow.router.BeforeLeaveObserver;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.streams.DownloadHandler;
import com.vaadin.flow.server.streams.DownloadResponse;
import dev.llmops.studio.pipeline.EditConflictException;
import dev.llmops.studio.pipeline.GraphNode;
import dev.llmops.studio.pipeline.NodeTypeCatalog;
import dev.llmops.studio.pipeline.OpenedPipeline;
import dev.llmops.studio.pipeline.PipelineGraph;
import dev.llmops.studio.pipeline.PipelineJson;
import dev.llmops.studio.pipeline.PipelineService;
import dev.llmops.studio.pipeline.PipelineSummary;
import dev.llmops.studio.pipeline.ValidationIssue;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.platform.Notifications;
import dev.llmops.studio.platform.NotFoundException;
import dev.llmops.studio.run.RunService;
import dev.llmops.studio.run.RunSummary;
import dev.llmops.studio.run.RunTrigger;
import dev.llmops.studio.run.Schedules;
import dev.llmops.studio.security.CurrentUser;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The pipeline editor: the canvas (palette, ports, undo) in the browser, the authoritative graph, validation,
 * parameter forms and versions on the server.
 */
@Route("pipelines/:pipelineId")
@RequiresPermission(Permission.PIPELINES_VIEW)
public class DesignerView extends VerticalLayout implements BeforeEnterObserver, BeforeLeaveObserver,
        HasDynamicTitle {

    private final PipelineService pipelines;
    private final NodeTypeCatalog catalog;
    private final boolean canEdit;
    private final boolean canRun;
    private final RunService runs;
    private final Schedules schedules;
    private final Button run = new Button("Run", VaadinIcon.PLAY.create());
    private final Button runToHere = new Button("Run to here", VaadinIcon.STEP_FORWARD.create());

    private final FlowCanvas canvas = new FlowCanvas();
    private final PropertiesPanel properties = new PropertiesPanel();
    private final IssuesPanel issuesPanel = new IssuesPanel(this::focus);
    private final H2 title = new H2();
    private final Span versionBadge = new Span();
    private final Span statusBadge = new Span();
    private final Span savedBadge = new Span();
    private final TabSheet sidePanel = new TabSheet();
    private final com.vaadin.flow.component.tabs.Tab issuesTab;

    private PipelineSummary summary;
    private PipelineGraph graph = PipelineGraph.empty();
    private List<ValidationIssue> issues = List.of();
    private List<String> selection = List.of();
    private boolean dirty;

    DesignerView(PipelineService pipelines, NodeTypeCatalog catalog, CurrentUser currentUser, RunService runs,
            Schedules schedules) {
        this.pipelines = pipelines;
        this.runs = runs;
        this.schedules = schedules;
        this.canRun = currentUser.has(Permission.RUNS_START);
        this.catalog = catalog;
        this.canEdit = currentUser.has(Permission.PIPELINES_EDIT);
        setId("designer-view");
        setSizeFull();
        setPadding(false);
        setSpacing(false);

        canvas.setCatalog(catalog.toJson());
        canvas.setReadOnly(!canEdit);
        canvas.addGraphChangeListener(this::graphChangedInBrowser);
        canvas.addSelectionListener(this::selectionChanged);

        sidePanel.add("Properties", properties);
        issuesTab = sidePanel.add("Issues", issuesPanel);
        sidePanel.setSizeFull();
        sidePanel.setId("side-panel");

        SplitLayout split = new SplitLayout(canvas, sidePanel);
        split.setSizeFull();
        split.setSplitterPosition(72);
        add(header(), split);
        expand(split);
    }

    private HorizontalLayout header() {
        title.addClassName("designer-title");
        versionBadge.setId("version-badge");
        versionBadge.getElement().getThemeList().add("badge contrast");
        statusBadge.setId("status-badge");
        savedBadge.setId("saved-badge");
        savedBadge.addClassName("saved-state");

        Button save = new Button("Save", VaadinIcon.CHECK.create(), e -> openSaveDialog());
        save.setId("save-pipeline");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        save.addClickShortcut(Key.KEY_S, KeyModifier.CONTROL).setBrowserDefaultAllowed(false);
        save.setTooltipText("Save a new version (Ctrl+S)");
        save.setVisible(canEdit);
        Button history = new Button("History", VaadinIcon.TIME_BACKWARD.create(), e -> openHistory());
        history.setId("open-history");
        Anchor export = new Anchor(DownloadHandler.fromInputStream(event -> {
            byte[] json = PipelineJson.write(graph).getBytes(StandardCharsets.UTF_8);
            return new DownloadResponse(new ByteArrayInputStream(json), fileName(), "application/json", json.length);
        }), "");
        export.add(new Button("Export", VaadinIcon.DOWNLOAD.create()));
        export.setId("export-pipeline");
        export.getElement().setAttribute("download", true);

        HorizontalLayout header = new HorizontalLayout(title, versionBadge, statusBadge, savedBadge);
        header.setAlignItems(FlexComponent.Alignment.BASELINE);
        Div spacer = new Div();
        run.setId("run-pipeline");
        run.addThemeVariants(ButtonVariant.LUMO_SUCCESS, ButtonVariant.LUMO_PRIMARY);
        run.setVisible(canRun);
        run.addClickListener(e -> startRun());
        runToHere.setId("run-to-step");
        runToHere.setVisible(false);
        runToHere.addClickListener(e -> startRunToSelected());
        HorizontalLayout bar = new HorizontalLayout(header, spacer, history, export, save, runToHere, run);
        bar.setWidthFull();
        bar.setFlexGrow(1, spacer);
        bar.setAlignItems(FlexComponent.Alignment.CENTER);
        bar.setPadding(true);
        bar.addClassName("designer-bar");
        return bar;
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        long id;
        try {
            id = Long.parseLong(event.getRouteParameters().get("pipelineId").orElse(""));
        } catch (NumberFormatException e) {
            event.rerouteToError(com.vaadin.flow.router.NotFoundException.class);
            return;
        }
        try {
            load(pipelines.open(id));
        } catch (NotFoundException e) {
            event.rerouteToError(com.vaadin.flow.router.NotFoundException.class);
        }
    }

    @Override
    public String getPageTitle() {
        return summary == null ? "Pipeline" : summary.name();
    }

    private void load(OpenedPipeline opened) {
        summary = opened.summary();
        graph = opened.graph();
        dirty = false;
        title.setText(summary.name());
        canvas.setGraph(PipelineJson.write(graph));
        revalidate(opened.issues());
        selectionChanged(List.of());
        refreshBadges();
    }

    private void graphChangedInBrowser(String json) {
        try {
            graph = PipelineJson.read(json);
        } catch (InvalidRequestException e) {
            Notifications.error("The canvas sent a graph the server cannot read: " + e.getMessage());
            return;
        }
        dirty = true;
        revalidate(pipelines.validate(graph));
        selectionChanged(selection.stream().filter(id -> graph.node(id).isPresent()).toList());
        refreshBadges();
    }

    private void selectionChanged(List<String> selected) {
        selection = selected;
        refreshRunToHere();
        if (selected.size() == 1 && graph.node(selected.get(0)).isPresent()) {
            GraphNode node = graph.node(selected.get(0)).orElseThrow();
            catalog.find(node.type()).ifPresentOrElse(
                    type -> properties.show(type, node, issuesOf(node.id()), !canEdit,
                            (name, value) -> parameterChanged(node.id(), name, value)),
                    () -> properties.showHint("“" + node.label() + "” has an unknown step type (" + node.type()
                            + "); delete it or import a pipeline made for this version."));
            sidePanel.setSelectedIndex(0);
        } else if (selected.size() > 1) {
            properties.showHint(selected.size() + " steps selected. Select one to edit its parameters.");
        } else {
            properties.showPipelineSettings(graph.schedule(), !canEdit, this::scheduleChanged,
                    graph.nodes().isEmpty()
                            ? "Drag a step from the palette onto the canvas to start."
                            : "Select a step on the canvas to see and edit its parameters.");
            showSchedule();
        }
    }

    /** The pipeline-wide schedule was edited in the settings: like a parameter change, pushed to the canvas. */
    private void scheduleChanged(String schedule) {
        if (Objects.equals(schedule, graph.schedule())) {
            return;
        }
        graph = new PipelineGraph(schedule, graph.nodes(), graph.edges());
        dirty = true;
        canvas.setGraph(PipelineJson.write(graph));
        revalidate(pipelines.validate(graph));
        showSchedule();
        refreshBadges();
    }

    private void showSchedule() {
        String error = issues.stream().filter(i -> i.nodeId() == null && "schedule".equals(i.field()))
                .map(ValidationIssue::message).findFirst().orElse(null);
        properties.showSchedule(error, schedules.nextFireTimes(graph.schedule(), 3));
    }

    private void parameterChanged(String nodeId, String name, Object value) {
        List<GraphNode> nodes = new ArrayList<>();
        for (GraphNode node : graph.nodes()) {
            if (!node.id().equals(nodeId)) {
                nodes.add(node);
            } else if (PropertiesPanel.LABEL.equals(name)) {
                String label = value == null || String.valueOf(value).isBlank() ? node.label()
                        : String.valueOf(value).trim();
                nodes.add(new GraphNode(node.id(), node.type(), label, node.x(), node.y(), node.params()));
            } else {
                Map<String, Object> params = new LinkedHashMap<>(node.params());
                if (value == null) {
                    params.remove(name);
                } else {
                    params.put(name, value);
                }
                nodes.add(new GraphNode(node.id(), node.type(), node.label(), node.x(), node.y(), params));
            }
        }
        graph = new PipelineGraph(graph.schedule(), nodes, graph.edges());
        dirty = true;
        canvas.setGraph(PipelineJson.write(graph));
        revalidate(pipelines.validate(graph));
        properties.showIssues(issuesOf(nodeId));
        refreshBadges();
    }

    private void revalidate(List<ValidationIssue> found) {
        issues = found;
        canvas.setIssues(IssuesPanel.toJson(found));
        issuesPanel.show(found, graph);
        issuesTab.setLabel(found.isEmpty() ? "Issues" : "Issues (" + found.size() + ")");
    }

    private List<ValidationIssue> issuesOf(String nodeId) {
        return issues.stream().filter(i -> nodeId.equals(i.nodeId())).toList();
    }

    private void focus(ValidationIssue issue) {
        if (issue.nodeId() != null) {
            canvas.focusNode(issue.nodeId());
            selectionChanged(List.of(issue.nodeId()));
        }
    }

    private void refreshBadges() {
        versionBadge.setText("v" + summary.version());
        statusBadge.getElement().getThemeList().clear();
        if (issues.isEmpty()) {
            statusBadge.setText("Ready to run");
            statusBadge.getElement().getThemeList().add("badge success");
        } else {
            statusBadge.setText("Draft · " + issues.size() + (issues.size() == 1 ? " issue" : " issues"));
            statusBadge.getElement().getThemeList().add("badge error");
        }
        savedBadge.setText(dirty ? "Unsaved changes" : "All changes saved");
        List<String> notRunnable = runs.notRunnable(graph.nodes());
        String blocker = dirty ? "Save first: a run uses the saved version."
                : !issues.isEmpty() ? "Fix the issues first."
                : graph.nodes().isEmpty() ? "Add steps first."
                : !notRunnable.isEmpty() ? "Not runnable yet on this server: " + String.join(", ", notRunnable) + "."
                : null;
        run.setEnabled(blocker == null);
        run.setTooltipText(blocker == null ? "Run version " + summary.version() : blocker);
        refreshRunToHere();
    }

    /**
     * "Run to here" runs the selected step and the steps it depends on: to iterate on one step without the
     * rest, or to run the part of a pipeline whose steps can run on this server today.
     */
    private void refreshRunToHere() {
        Optional<GraphNode> target = selection.size() == 1 ? graph.node(selection.get(0)) : Optional.empty();
        runToHere.setVisible(canRun && target.isPresent() && summary != null);
        if (!runToHere.isVisible()) {
            return;
        }
        List<String> notRunnable = runs.notRunnable(RunService.upTo(graph, target.get().id()).nodes());
        String blocker = dirty ? "Save first: a run uses the saved version."
                : !issues.isEmpty() ? "Fix the issues first."
                : !notRunnable.isEmpty() ? "Not runnable yet on this server: " + String.join(", ", notRunnable) + "."
                : null;
        runToHere.setEnabled(blocker == null);
        runToHere.setTooltipText(blocker == null
                ? "Run “" + target.get().label() + "” and the steps it needs, from version " + summary.version()
                : blocker);
    }

    private void startRunToSelected() {
        if (selection.size() != 1) {
            return;
        }
        try {
            RunSummary started = runs.start(summary.id(), RunTrigger.MANUAL, selection.get(0));
            getUI().ifPresent(ui -> ui.navigate(RunView.class, RunView.route(started.id())));
        } catch (InvalidRequestException e) {
            Notifications.error(e.getMessage());
        }
    }

    private void startRun() {
        try {
            RunSummary started = runs.start(summary.id(), RunTrigger.MANUAL);
            getUI().ifPresent(ui -> ui.navigate(RunView.class, RunView.route(started.id())));
        } catch (InvalidRequestException e) {
            Notifications.error(e.getMessage());
        }
    }

    private void openSaveDialog() {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle("Save version " + (summary.version() + 1));
        TextField message = new TextField("What changed? (optional)");
        message.setId("save-message");
        message.setWidth("28em");
        dialog.add(message);
        if (!issues.isEmpty()) {
            Span draft = new Span("This version has " + issues.size() + (issues.size() == 1 ? " issue" : " issues")
                    + ": it is saved as a draft and cannot run until they are fixed.");
            draft.addClassName("panel-hint");
            dialog.add(new Div(draft));
        }
        Button save = new Button("Save", e -> {
            dialog.close();
            save(message.getValue());
        });
        save.setId("confirm-save");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        save.addClickShortcut(Key.ENTER);
        dialog.getFooter().add(new Button("Cancel", e -> dialog.close()), save);
        dialog.open();
        message.focus();
    }

    private void save(String message) {
        try {
            summary = pipelines.save(summary.id(), summary.version(), graph, message);
            dirty = false;
            refreshBadges();
            Notifications.success("Saved version " + summary.version() + (issues.isEmpty() ? "" : " as a draft"));
        } catch (EditConflictException conflict) {
            openConflictDialog(conflict);
        }
    }

    private void openConflictDialog(EditConflictException conflict) {
        ConfirmDialog dialog = new ConfirmDialog();
        dialog.setId("conflict-dialog");
        dialog.setHeader("Someone else saved this pipeline");
        dialog.setText(conflict.getMessage());
        dialog.setConfirmText("Save mine as a copy");
        dialog.addConfirmListener(e -> {
            PipelineSummary copy = pipelines.saveAsCopy(summary.id(), graph,
                    pipelines.freeName(summary.name() + " (my copy)"));
            dirty = false;
            getUI().ifPresent(ui -> ui.navigate(DesignerView.class, DesignerView.route(copy.id())));
        });
        dialog.setRejectable(true);
        dialog.setRejectText("Reload theirs (discard mine)");
        dialog.addRejectListener(e -> load(pipelines.open(summary.id())));
        dialog.setCancelable(true);
        dialog.open();
    }

    private void openHistory() {
        new HistoryDialog(pipelines, summary, canEdit, dirty, restored -> {
            load(pipelines.open(summary.id()));
            Notifications.success("Restored version " + restored + " as version " + summary.version());
        }).open();
    }

    @Override
    public void beforeLeave(BeforeLeaveEvent event) {
        if (!dirty || !canEdit) {
            return;
        }
        BeforeLeaveEvent.ContinueNavigationAction action = event.postpone();
        ConfirmDialog confirm = new ConfirmDialog("Leave without saving?",
                "Your changes to “" + summary.name() + "” are not saved.", "Leave", e -> action.proceed());
        confirm.setCancelable(true);
        confirm.setCancelText("Stay");
        confirm.setConfirmButtonTheme("error primary");
        confirm.open();
    }

    static com.vaadin.flow.router.RouteParameters route(long id) {
        return new com.vaadin.flow.router.RouteParameters("pipelineId", String.valueOf(id));
    }

    private String fileName() {
        return summary.name().replaceAll("[^A-Za-z0-9._-]+", "-") + ".pipeline.json";
    }

}
