package dev.llmops.studio.worker;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.textfield.TextField;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.platform.SecretOnceDialog;
import dev.llmops.studio.security.CurrentUser;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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
import dev.llmops.studio.platform.RevokeControl;
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

    /** A worker silent for three heartbeats is shown as not responding. */
    private static final Duration STALE = Duration.ofSeconds(15);

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private final WorkerService workers;
    private final WorkerTokenService tokens;
    private final RunService runs;
    private final Clock clock;
    private final Grid<WorkerInfo> grid = new Grid<>(WorkerInfo.class, false);
    private final Grid<WorkerToken> tokenGrid = new Grid<>(WorkerToken.class, false);
    private Map<String, List<HeldTask>> held = Map.of();
    /** This server as the browser reaches it: the URL a remote worker on the same network would use. */
    private String serverUrl = "http://localhost:8080";

    WorkersView(WorkerService workers, WorkerTokenService tokens, RunService runs, CurrentUser currentUser,
            Clock clock) {
        this.workers = workers;
        this.tokens = tokens;
        this.runs = runs;
        this.clock = clock;
        setId("workers-view");
        setSizeFull();
        Paragraph hint = new Paragraph("The embedded worker runs inside the server; remote workers connect with a "
                + "worker token. Draining lets a worker finish what it holds and take nothing new; disabling stops "
                + "it taking tasks at all.");
        hint.addClassName("panel-hint");

        grid.setId("workers-grid");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_WRAP_CELL_CONTENT);
        grid.addColumn(WorkerInfo::name).setHeader("Worker").setFlexGrow(1);
        grid.addColumn(w -> w.kind().name().toLowerCase()).setHeader("Kind").setAutoWidth(true).setFlexGrow(0);
        grid.addComponentColumn(this::state).setHeader("State").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(w -> w.slots() + (w.slots() == 1 ? " slot · " : " slots · ") + w.capabilities().cpuCores() + " cores · "
                + Math.round(w.capabilities().memoryMb() / 1024.0) + " GB RAM · "
                + Math.round(w.capabilities().freeDiskMb() / 1024.0) + " GB free disk")
                .setHeader("Capacity").setFlexGrow(1);
        grid.addColumn(w -> w.capabilities().gpus().isEmpty() ? "none"
                : w.capabilities().gpus().stream().map(g -> g.name() + " (" + g.memoryMb() / 1024 + " GB, "
                        + g.utilizationPercent() + " %)").collect(Collectors.joining(", ")))
                .setHeader("GPUs").setAutoWidth(true);
        grid.addColumn(w -> w.capabilities().labels().isEmpty() ? "" : String.join(", ", w.capabilities().labels()))
                .setHeader("Labels").setAutoWidth(true);
        grid.addColumn(w -> held.getOrDefault(w.id(), List.of()).stream()
                .map(t -> t.stepLabel() + " (run " + t.runId() + ")").collect(Collectors.joining(", ")))
                .setHeader("Running now").setFlexGrow(1);
        grid.addColumn(w -> ago(w.lastHeartbeatAt())).setHeader("Last heartbeat").setAutoWidth(true)
                .setFlexGrow(0);
        grid.addComponentColumn(this::actions).setHeader("Actions").setAutoWidth(true).setFlexGrow(0);
        Div empty = new Div(new Paragraph("No workers yet. The embedded worker registers when the server starts "
                + "(unless studio.worker.embedded.enabled=false); remote workers appear when they connect."));
        empty.addClassName("empty-state");
        grid.setEmptyStateComponent(empty);
        grid.setSizeFull();
        add(hint, grid);
        if (currentUser.has(Permission.WORKER_TOKENS_MANAGE)) {
            add(tokenSection());
            addAttachListener(e -> e.getUI().getPage().fetchCurrentURL(url ->
                    serverUrl = url.getProtocol() + "://" + url.getAuthority()));
        }
        refresh();
        PeriodicRefresh.whileAttached(this, Duration.ofSeconds(2), this::refresh);
    }


    private void refresh() {
        held = runs.heldTasks().stream().collect(Collectors.groupingBy(HeldTask::workerId));
        grid.setItems(workers.list());
    }

    /** Admins connect GPU machines here: a token per machine, shown once with the command to run there. */
    private Component tokenSection() {
        H3 title = new H3("Connect a remote worker");
        Paragraph explain = new Paragraph("Create a token for the machine, then start the studio jar there in "
                + "worker mode. The token is shown once; only its hash is kept. Revoking it stops its workers.");
        explain.addClassName("panel-hint");
        TextField name = new TextField();
        name.setId("worker-token-name");
        name.setPlaceholder("Machine name, e.g. gpu-box-1");
        name.setWidth("20em");
        Button create = new Button("Create worker token", VaadinIcon.KEY.create(), e -> createToken(name));
        create.setId("create-worker-token");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        HorizontalLayout row = new HorizontalLayout(name, create);
        row.setAlignItems(FlexComponent.Alignment.BASELINE);

        tokenGrid.setId("worker-tokens-grid");
        tokenGrid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        tokenGrid.setAllRowsVisible(true);
        tokenGrid.addColumn(WorkerToken::name).setHeader("Name").setAutoWidth(true);
        tokenGrid.addColumn(t -> t.prefix() + "…").setHeader("Token").setAutoWidth(true);
        tokenGrid.addColumn(WorkerToken::createdBy).setHeader("Created by").setAutoWidth(true);
        tokenGrid.addColumn(t -> when(t.createdAt())).setHeader("Created (UTC)").setAutoWidth(true);
        tokenGrid.addColumn(t -> t.lastUsedAt() == null ? "never" : when(t.lastUsedAt()))
                .setHeader("Last used (UTC)").setAutoWidth(true);
        tokenGrid.addComponentColumn(this::tokenStatus).setHeader("Status").setAutoWidth(true);
        tokenGrid.setEmptyStateText("No worker tokens yet. Name the machine above and create one.");
        refreshTokens();
        VerticalLayout section = new VerticalLayout(title, explain, row, tokenGrid);
        section.setPadding(false);
        section.setId("worker-tokens");
        return section;
    }

    private void createToken(TextField name) {
        name.setInvalid(false);
        try {
            WorkerTokenService.CreatedWorkerToken created = tokens.create(name.getValue());
            name.clear();
            refreshTokens();
            Paragraph how = new Paragraph("On the worker machine, with the studio jar (./mvnw package builds "
                    + "target/llmops-studio.jar), run:");
            Pre command = new Pre("java -jar llmops-studio.jar worker --server-url=" + serverUrl
                    + " --token=" + created.secret() + " --slots=1");
            command.setId("worker-command");
            command.addClassName("command");
            Paragraph labels = new Paragraph("Add --labels=gpu,… to receive only steps that ask for those labels, "
                    + "and set the token as STUDIO_WORKER_TOKEN instead of --token to keep it out of the process "
                    + "list.");
            labels.addClassName("panel-hint");
            new SecretOnceDialog("worker-token", "Worker token '" + created.token().name() + "' created",
                    created.secret(), how, command, labels).open();
        } catch (InvalidRequestException ex) {
            name.setErrorMessage(ex.getMessage());
            name.setInvalid(true);
        }
    }

    private Component tokenStatus(WorkerToken token) {
        return RevokeControl.of(token.active(), null, token.name(), "Workers using this token are refused from their "
                + "next call; the steps they hold are retried elsewhere.", "revoke-worker-token-" + token.id(),
                () -> tokens.revoke(token.id()), this::refreshTokens);
    }

    private void refreshTokens() {
        tokenGrid.setItems(tokens.list());
    }

    private static String when(OffsetDateTime time) {
        return WHEN.format(time.atZoneSameInstant(ZoneOffset.UTC));
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
