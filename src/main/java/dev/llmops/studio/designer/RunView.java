package dev.llmops.studio.designer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.splitlayout.SplitLayout;
import com.vaadin.flow.component.tabs.Tab;
import com.vaadin.flow.component.tabs.TabSheet;
import com.vaadin.flow.component.tabs.TabSheetVariant;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteParameters;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.shared.Registration;
import dev.llmops.studio.pipeline.PipelineJson;
import dev.llmops.studio.platform.NotFoundException;
import dev.llmops.studio.platform.Notifications;
import dev.llmops.studio.run.RunDetail;
import dev.llmops.studio.run.RunService;
import dev.llmops.studio.run.RunStatus;
import dev.llmops.studio.run.TaskInfo;
import dev.llmops.studio.run.TaskLog;
import dev.llmops.studio.security.CurrentUser;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run, live: the pipeline with each step coloured by its task's state, overall progress, the task table, and
 * the log and metric charts of the selected step. Updates arrive by server push.
 */
@Route("runs/:runId")
@RequiresPermission(Permission.RUNS_VIEW)
public class RunView extends VerticalLayout implements BeforeEnterObserver, HasDynamicTitle {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final RunService runs;
    private final RunUpdates updates;
    private final boolean canCancel;
    private final FlowCanvas canvas = new FlowCanvas();
    private final H2 title = new H2();
    private final Span status = new Span();
    private final Span facts = new Span();
    private final ProgressBar progress = new ProgressBar();
    private final Button cancel = new Button("Cancel run", VaadinIcon.STOP.create());
    private final Grid<TaskInfo> tasks = new Grid<>(TaskInfo.class, false);
    private final H4 logTitle = new H4();
    private final Pre logView = new Pre();
    private final TabSheet stepTabs = new TabSheet();
    private final Tab metricsTab;
    private final MetricsPanel metricsPanel = new MetricsPanel();
    private final List<StepPanels> stepPanels;
    private final Div stepPanel = new Div();
    /** The selected step and its state when its feature panel was last built: rebuilt only when either changes. */
    private String stepPanelKey;

    private long runId;
    private RunDetail detail;
    private Long selectedTask;
    private boolean userPickedTask;
    private long lastLogId;
    private Registration watch;
    /** When metrics were last read (nanoTime), and the run's status then; null until the Metrics tab is opened. */
    private long metricsReadAt;
    private RunStatus metricsReadStatus;

    RunView(RunService runs, RunUpdates updates, CurrentUser currentUser, List<StepPanels> stepPanels) {
        this.runs = runs;
        this.stepPanels = stepPanels;
        this.updates = updates;
        this.canCancel = currentUser.has(Permission.RUNS_START);
        setId("run-view");
        setSizeFull();
        setPadding(false);
        setSpacing(false);

        canvas.setReadOnly(true);
        canvas.addNodeClickListener(nodeId -> detail.tasks().stream().filter(t -> t.nodeId().equals(nodeId))
                .findFirst().ifPresent(this::chooseTask));

        status.setId("run-status");
        progress.setId("run-progress");
        progress.setWidth("12em");
        cancel.setId("cancel-run");
        cancel.addThemeVariants(ButtonVariant.LUMO_ERROR);
        cancel.addClickListener(e -> confirmCancel());
        title.addClassName("designer-title");
        facts.addClassName("saved-state");
        HorizontalLayout header = new HorizontalLayout(title, status, progress, facts);
        header.setAlignItems(FlexComponent.Alignment.CENTER);
        Div spacer = new Div();
        HorizontalLayout bar = new HorizontalLayout(header, spacer, cancel);
        bar.setWidthFull();
        bar.setFlexGrow(1, spacer);
        bar.setAlignItems(FlexComponent.Alignment.CENTER);
        bar.setPadding(true);
        bar.addClassName("designer-bar");

        tasks.setId("tasks-grid");
        tasks.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        tasks.addColumn(TaskInfo::nodeLabel).setHeader("Step").setAutoWidth(true).setFlexGrow(1);
        tasks.addComponentColumn(RunView::statusBadge).setHeader("State").setAutoWidth(true).setFlexGrow(0);
        tasks.addColumn(t -> t.attempt() + " / " + t.maxAttempts()).setHeader("Attempt").setAutoWidth(true)
                .setFlexGrow(0);
        tasks.addColumn(t -> duration(t.startedAt(), t.finishedAt())).setHeader("Took").setAutoWidth(true)
                .setFlexGrow(0);
        tasks.addColumn(t -> t.message() == null ? "" : t.message()).setHeader("Message").setFlexGrow(2);
        tasks.setAllRowsVisible(true);
        tasks.addItemClickListener(e -> chooseTask(e.getItem()));

        logView.setId("task-log");
        logView.addClassName("task-log");
        logTitle.addClassName("panel-title");
        VerticalLayout logPane = new VerticalLayout(logTitle, logView);
        logPane.setPadding(false);
        logPane.setSpacing(false);
        logPane.addClassName("step-tab-pane");
        logPane.setSizeFull();
        logPane.expand(logView);
        stepTabs.setId("step-tabs");
        stepTabs.addThemeVariants(TabSheetVariant.LUMO_NO_PADDING); // the side panel pads already
        stepTabs.add("Log", logPane);
        metricsTab = stepTabs.add("Metrics", metricsPanel);
        metricsTab.setId("metrics-tab");
        stepTabs.setWidthFull();
        stepTabs.addSelectedChangeListener(e -> refreshMetrics());
        stepPanel.setId("step-panel");
        stepPanel.setWidthFull();
        VerticalLayout side = new VerticalLayout(tasks, stepPanel, stepTabs);
        side.setPadding(true);
        side.setSizeFull();
        side.expand(stepTabs);

        SplitLayout split = new SplitLayout(canvas, side);
        split.setSizeFull();
        split.setSplitterPosition(62);
        add(bar, split);
        expand(split);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        try {
            runId = Long.parseLong(event.getRouteParameters().get("runId").orElse(""));
            detail = runs.detail(runId);
        } catch (NumberFormatException | NotFoundException e) {
            event.rerouteToError(com.vaadin.flow.router.NotFoundException.class);
            return;
        }
        canvas.setGraph(PipelineJson.write(detail.graph()));
        render();
    }

    @Override
    protected void onAttach(AttachEvent event) {
        watch = updates.watch(runId, event.getUI(), this::refresh);
    }

    @Override
    protected void onDetach(DetachEvent event) {
        if (watch != null) {
            watch.remove();
        }
    }

    @Override
    public String getPageTitle() {
        return detail == null ? "Run" : "Run " + runId + " · " + detail.summary().pipelineName();
    }

    private void refresh() {
        detail = runs.detail(runId);
        render();
    }

    private void render() {
        var summary = detail.summary();
        title.removeAll();
        title.add(new RouterLink(summary.pipelineName(), DesignerView.class, DesignerView.route(summary.pipelineId())));
        title.add(new Span(" · run " + runId));
        boolean waiting = waitsForPeople(detail);
        status.setText(waiting ? "Waiting" : label(summary.status().name()));
        status.getElement().getThemeList().clear();
        status.getElement().getThemeList().add("badge " + (waiting ? "contrast" : switch (summary.status()) {
            case SUCCEEDED -> "success";
            case FAILED -> "error";
            case RUNNING, CANCELLING -> "";
            case CANCELLED -> "contrast";
        }));
        progress.setValue(summary.progress());
        facts.setText("version " + summary.pipelineVersion() + " · " + summary.tasksSucceeded() + " of "
                + summary.tasksTotal() + " steps done · started by " + summary.startedBy() + " ("
                + summary.trigger().name().toLowerCase() + ") " + WHEN.format(summary.createdAt()
                        .atZoneSameInstant(ZoneOffset.UTC)) + " UTC"
                + (summary.message() == null ? "" : " · " + summary.message()));
        cancel.setVisible(canCancel && !summary.status().finished());
        cancel.setEnabled(summary.status() == RunStatus.RUNNING);
        tasks.setItems(detail.tasks());
        canvas.setNodeStates(nodeStates(detail.tasks()));
        // the log follows the step that is running until the user picks one
        var running = detail.tasks().stream().filter(t -> t.status() == dev.llmops.studio.run.TaskStatus.RUNNING)
                .findFirst().or(() -> detail.tasks().stream()
                        .filter(t -> t.status() == dev.llmops.studio.run.TaskStatus.WAITING).findFirst());
        if (!userPickedTask && running.isPresent()) {
            selectTask(running.get());
        } else if (selectedTask == null && !detail.tasks().isEmpty()) {
            selectTask(detail.tasks().get(0));
        } else {
            appendLog();
        }
        refreshStepPanel();
        refreshMetrics();
    }

    /** A run that goes on only when people act: something waits and nothing else is under way. */
    static boolean waitsForPeople(RunDetail run) {
        return run.summary().status() == RunStatus.RUNNING
                && run.tasks().stream().anyMatch(t -> t.status() == dev.llmops.studio.run.TaskStatus.WAITING)
                && run.tasks().stream().noneMatch(t -> switch (t.status()) {
                    case QUEUED, LEASED, RUNNING -> true;
                    default -> false;
                });
    }

    /** What the selected step's feature shows for it (approve a gate, open a review queue). */
    private void refreshStepPanel() {
        TaskInfo task = detail.tasks().stream().filter(t -> selectedTask != null && t.id() == selectedTask)
                .findFirst().orElse(null);
        String key = task == null ? null : task.id() + ":" + task.status();
        if (java.util.Objects.equals(key, stepPanelKey)) {
            return;
        }
        stepPanelKey = key;
        stepPanel.removeAll();
        if (task != null) {
            stepPanels.stream().map(p -> p.panelFor(detail, task, this::refresh)).flatMap(java.util.Optional::stream)
                    .forEach(stepPanel::add);
        }
        stepPanel.setVisible(stepPanel.getComponentCount() > 0);
    }

    /** A step picked by the user on the canvas or in the table: its log, and its charts if it has any. */
    private void chooseTask(TaskInfo task) {
        userPickedTask = true;
        selectTask(task);
        refreshStepPanel();
        metricsPanel.selectStep(task.id());
    }

    /**
     * Reads the metrics again while they may still change: only with the Metrics tab open, at most once a second
     * while the run goes on (pushes come up to four times a second, each would re-read every series), and once
     * more after it ended so the last points show. The push tick of {@link RunUpdates} brings the skipped reads.
     */
    private void refreshMetrics() {
        if (stepTabs.getSelectedTab() != metricsTab) {
            return;
        }
        RunStatus status = detail.summary().status();
        boolean settled = metricsReadStatus != null && metricsReadStatus.finished() && status == metricsReadStatus;
        boolean recent = metricsReadStatus != null && System.nanoTime() - metricsReadAt < 1_000_000_000L
                && status == metricsReadStatus;
        if (settled || recent) {
            return;
        }
        metricsReadAt = System.nanoTime();
        metricsReadStatus = status;
        metricsPanel.setMetrics(runs.metrics(runId), detail.tasks());
    }

    private void selectTask(TaskInfo task) {
        if (selectedTask == null || selectedTask != task.id()) {
            stepPanelKey = "";
            selectedTask = task.id();
            lastLogId = 0;
            logView.setText("");
            logTitle.setText("Log of “" + task.nodeLabel() + "”");
        }
        appendLog();
    }

    private void appendLog() {
        if (selectedTask == null) {
            return;
        }
        List<TaskLog> lines = runs.log(selectedTask, lastLogId, 500);
        if (lines.isEmpty()) {
            if (lastLogId == 0) {
                logView.setText("No output yet.");
            }
            return;
        }
        StringBuilder text = new StringBuilder(lastLogId == 0 ? "" : logView.getText());
        for (TaskLog line : lines) {
            text.append(WHEN.format(line.loggedAt().atZoneSameInstant(ZoneOffset.UTC))).append("  ")
                    .append(line.line()).append('\n');
            lastLogId = line.id();
        }
        logView.setText(text.toString());
        logView.getElement().executeJs("this.scrollTop = this.scrollHeight");
    }

    private void confirmCancel() {
        ConfirmDialog confirm = new ConfirmDialog("Cancel run " + runId + "?",
                "Steps not started are skipped; running steps are asked to stop and are stopped after a grace period.",
                "Cancel run", e -> {
                    runs.cancel(runId);
                    Notifications.success("Cancelling run " + runId);
                    refresh();
                });
        confirm.setCancelable(true);
        confirm.setCancelText("Keep running");
        confirm.setConfirmButtonTheme("error primary");
        confirm.open();
    }

    static RouteParameters route(long runId) {
        return new RouteParameters("runId", String.valueOf(runId));
    }

    static Span statusBadge(TaskInfo task) {
        Span badge = new Span(label(task.status().name()));
        badge.getElement().getThemeList().add("badge " + switch (task.status()) {
            case SUCCEEDED -> "success";
            case FAILED -> "error";
            case RUNNING, LEASED -> "";
            default -> "contrast";
        });
        return badge;
    }

    private static String label(String status) {
        return status.charAt(0) + status.substring(1).toLowerCase();
    }

    private static String nodeStates(List<TaskInfo> tasks) {
        Map<String, Object> states = new LinkedHashMap<>();
        for (TaskInfo task : tasks) {
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("status", task.status().name());
            state.put("progress", task.progress());
            state.put("attempt", task.attempt());
            state.put("message", task.message());
            states.put(task.nodeId(), state);
        }
        try {
            return JSON.writeValueAsString(states);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String duration(OffsetDateTime start, OffsetDateTime end) {
        if (start == null) {
            return "";
        }
        Duration took = Duration.between(start, end == null ? OffsetDateTime.now() : end);
        return took.toMinutes() > 0 ? took.toMinutes() + " min " + took.toSecondsPart() + " s"
                : took.toMillis() < 10_000 ? String.format("%.1f s", took.toMillis() / 1000.0) : took.toSeconds() + " s";
    }

}
