package dev.llmops.studio.worker;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.llmops.studio.platform.Notifications;
import dev.llmops.studio.platform.PeriodicRefresh;
import dev.llmops.studio.run.HeldTask;
import dev.llmops.studio.run.RunService;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Every worker: state, capabilities, what it runs now, last heartbeat; drain, disable, enable. */
@Route("workers")
@PageTitle("Workers")
@Menu(order = 30, icon = "vaadin:server", title = "Workers")
@RequiresPermission(Permission.WORKERS_MANAGE)
public class WorkersView extends VerticalLayout {

    /** A worker silent for longer than this is shown as not responding. */
    private static final Duration STALE = Duration.ofSeconds(30);

    private final WorkerService workers;
    private final RunService runs;
    private final Clock clock;
    private final Grid<WorkerInfo> grid = new Grid<>(WorkerInfo.class, false);
    private Map<String, List<HeldTask>> held = Map.of();

    WorkersView(WorkerService workers, RunService runs, Clock clock) {
        this.workers = workers;
        this.runs = runs;
        this.clock = clock;
        setId("workers-view");
        setSizeFull();
        Paragraph hint = new Paragraph("The embedded worker runs inside the server. Draining lets a worker finish "
                + "what it holds and take nothing new; disabling stops it taking tasks at all.");
        hint.addClassName("panel-hint");

        grid.setId("workers-grid");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_WRAP_CELL_CONTENT);
        grid.addColumn(WorkerInfo::name).setHeader("Worker").setFlexGrow(1);
        grid.addColumn(w -> w.kind().name().toLowerCase()).setHeader("Kind").setAutoWidth(true).setFlexGrow(0);
        grid.addComponentColumn(this::state).setHeader("State").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(w -> w.slots() + " slots · " + w.capabilities().cpuCores() + " cores · "
                + Math.round(w.capabilities().memoryMb() / 1024.0) + " GB RAM · "
                + Math.round(w.capabilities().freeDiskMb() / 1024.0) + " GB free disk")
                .setHeader("Capacity").setFlexGrow(1);
        grid.addColumn(w -> w.capabilities().gpus().isEmpty() ? "none"
                : w.capabilities().gpus().stream().map(g -> g.name() + " (" + g.memoryMb() / 1024 + " GB, "
                        + g.utilizationPercent() + " %)").collect(Collectors.joining(", ")))
                .setHeader("GPUs").setAutoWidth(true);
        grid.addColumn(w -> held.getOrDefault(w.id(), List.of()).stream()
                .map(t -> t.stepLabel() + " (run " + t.runId() + ")").collect(Collectors.joining(", ")))
                .setHeader("Running now").setFlexGrow(1);
        grid.addColumn(w -> ago(w.lastHeartbeatAt())).setHeader("Last heartbeat").setAutoWidth(true)
                .setFlexGrow(0);
        grid.addComponentColumn(this::actions).setHeader("Actions").setAutoWidth(true).setFlexGrow(0);
        Div empty = new Div(new Paragraph("No workers yet. The embedded worker registers when the server starts "
                + "(unless studio.worker.embedded.enabled=false)."));
        empty.addClassName("empty-state");
        grid.setEmptyStateComponent(empty);
        grid.setSizeFull();
        add(hint, grid);
        refresh();
        PeriodicRefresh.whileAttached(this, Duration.ofSeconds(2), this::refresh);
    }


    private void refresh() {
        held = runs.heldTasks().stream().collect(Collectors.groupingBy(HeldTask::workerId));
        grid.setItems(workers.list());
    }

    private Component state(WorkerInfo worker) {
        boolean stale = worker.state() != WorkerState.OFFLINE
                && worker.lastHeartbeatAt().plus(STALE).isBefore(OffsetDateTime.now(clock));
        Span badge = new Span(stale ? "Not responding" : worker.state().name().charAt(0)
                + worker.state().name().substring(1).toLowerCase());
        badge.getElement().getThemeList().add("badge " + (stale ? "error" : switch (worker.state()) {
            case ONLINE -> "success";
            case DRAINING -> "";
            case DISABLED, OFFLINE -> "contrast";
        }));
        return badge;
    }

    private Component actions(WorkerInfo worker) {
        HorizontalLayout actions = new HorizontalLayout();
        actions.setSpacing(false);
        if (worker.state() == WorkerState.OFFLINE) {
            return actions;
        }
        if (worker.state() == WorkerState.ONLINE) {
            actions.add(action("Drain", "Draining", worker, WorkerState.DRAINING),
                    action("Disable", "Disabled", worker, WorkerState.DISABLED));
        } else {
            actions.add(action("Enable", "Enabled", worker, WorkerState.ONLINE));
        }
        return actions;
    }

    private Button action(String label, String done, WorkerInfo worker, WorkerState to) {
        Button button = new Button(label, e -> {
            workers.setState(worker.id(), to);
            Notifications.success(done + " " + worker.name());
            refresh();
        });
        button.setId(label.toLowerCase() + "-" + worker.id());
        button.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
        return button;
    }

    private String ago(OffsetDateTime time) {
        Duration ago = Duration.between(time, OffsetDateTime.now(clock));
        return ago.toSeconds() < 60 ? ago.toSeconds() + " s ago" : ago.toMinutes() + " min ago";
    }
}
