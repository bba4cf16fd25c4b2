package dev.llmops.studio.serving;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
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
import com.vaadin.flow.component.tabs.TabSheet;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteParameters;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.theme.lumo.LumoUtility;
import dev.llmops.studio.platform.CopyButton;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.platform.Notifications;
import dev.llmops.studio.platform.PeriodicRefresh;
import dev.llmops.studio.registry.ModelView;
import dev.llmops.studio.security.CurrentUser;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One endpoint: how to call it, what it serves and with how much of the traffic (promote, roll back, canary
 * share), its replicas, what happened to it and why (deploys, scaling decisions, failures), live metrics, API
 * keys, settings, and a playground. Everything but the settings form is re-read every 2 s, since replicas,
 * the autoscaler and requests change it from other threads and servers.
 */
@Route("endpoints/:name")
@RequiresPermission(Permission.ENDPOINTS_VIEW)
public class EndpointView extends VerticalLayout implements BeforeEnterObserver, HasDynamicTitle {

    private static final int EVENTS_SHOWN = 50;

    /** A version on the endpoint as the table shows it. */
    private record VersionRow(DeploymentInfo deployment, String role, long readyReplicas) {
    }

    /** A replica with the version it runs. */
    private record ReplicaRow(ReplicaInfo replica, String version) {
    }

    private final EndpointService endpoints;
    private final ServingMetrics metrics;
    private final ReplicaHub hub;
    private final CurrentUser currentUser;
    private final Span status = new Span();
    private final Span url = new Span();
    private final Span serving = new Span();
    private final Button stop = new Button("Stop endpoint", VaadinIcon.STOP.create());
    private final Grid<VersionRow> versions = new Grid<>(VersionRow.class, false);
    private final Button promote = new Button("Promote canary", VaadinIcon.ARROW_CIRCLE_UP.create());
    private final Button rollback = new Button("Roll back", VaadinIcon.ARROW_BACKWARD.create());
    private final IntegerField canaryTraffic = new IntegerField("Canary traffic");
    private final Button applyCanaryTraffic = new Button("Apply");
    private final LiveMetrics live = new LiveMetrics();
    private final Grid<ReplicaRow> replicas = new Grid<>(ReplicaRow.class, false);
    private final Grid<EndpointEvent> events = new Grid<>(EndpointEvent.class, false);
    private String name = "";
    private String baseUrl = "";
    /** Null while the route names no endpoint. */
    private EndpointInfo info;
    private PlaygroundPanel playground;
    private ApiKeysPanel keys;
    private List<VersionRow> shownVersions = List.of();
    private List<ReplicaRow> shownReplicas = List.of();
    private List<EndpointEvent> shownEvents = List.of();
    /** The canary share last read from the server: the field follows it unless the user is changing it. */
    private int canaryPercentShown = -1;

    EndpointView(EndpointService endpoints, ServingMetrics metrics, ReplicaHub hub, CurrentUser currentUser) {
        this.endpoints = endpoints;
        this.metrics = metrics;
        this.hub = hub;
        this.currentUser = currentUser;
        setId("endpoint-view");
        status.setId("endpoint-status");
        url.setId("endpoint-url");
        url.addClassName(LumoUtility.FontWeight.SEMIBOLD);
        serving.setId("endpoint-serving");
        stop.setId("stop-endpoint");
        stop.addThemeVariants(ButtonVariant.LUMO_ERROR);
        stop.addClickListener(e -> confirmStop());
        configureVersions();
        configureReplicas();
        configureEvents();
        addAttachListener(e -> e.getUI().getPage().fetchCurrentURL(current -> {
            baseUrl = current.getProtocol() + "://" + current.getAuthority();
            showBaseUrl();
        }));
        addDetachListener(e -> {
            if (playground != null) {
                playground.cancel();
            }
        });
        PeriodicRefresh.whileAttached(this, Duration.ofSeconds(2), this::refresh);
    }

    @Override
    public String getPageTitle() {
        return "Endpoint " + name;
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        name = event.getRouteParameters().get("name").orElse("");
        build();
    }

    private void build() {
        if (playground != null) {
            playground.cancel();
        }
        removeAll();
        shownVersions = List.of();
        shownReplicas = List.of();
        shownEvents = List.of();
        canaryPercentShown = -1;
        info = endpoints.find(name).orElse(null);
        if (info == null) {
            Paragraph back = new Paragraph(new Span("Endpoints are listed on "),
                    new RouterLink("Endpoints", EndpointsView.class), new Span("."));
            add(new H3("No endpoint named “" + name + "”"), back);
            return;
        }
        boolean canDeploy = currentUser.has(Permission.ENDPOINTS_DEPLOY);
        H3 title = new H3(name);
        title.setId("endpoint-title");
        title.addClassName(LumoUtility.Margin.NONE);
        Div spacer = new Div();
        HorizontalLayout top = new HorizontalLayout(title, status, spacer);
        top.setWidthFull();
        top.setAlignItems(FlexComponent.Alignment.CENTER);
        top.setFlexGrow(1, spacer);
        if (canDeploy) {
            top.add(stop);
        }
        CopyButton copyUrl = new CopyButton(() -> baseUrl + "/v1");
        copyUrl.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
        HorizontalLayout access = new HorizontalLayout(new Span("OpenAI-compatible API at"), url,
                new Span("with model “" + name + "”"), copyUrl);
        access.setAlignItems(FlexComponent.Alignment.BASELINE);
        access.addClassNames(LumoUtility.FontSize.SMALL, LumoUtility.Gap.SMALL);
        access.setSpacing(false);
        serving.addClassNames(LumoUtility.FontSize.SMALL, LumoUtility.TextColor.SECONDARY);

        TabSheet tabs = new TabSheet();
        tabs.setId("endpoint-tabs");
        tabs.setWidthFull();
        tabs.add("Overview", overview(canDeploy)).setId("tab-overview");
        playground = null;
        if (currentUser.has(Permission.ENDPOINTS_TRY)) {
            playground = new PlaygroundPanel(hub, currentUser, name, info.settings().maxTokens());
            tabs.add("Playground", playground).setId("tab-playground");
        }
        keys = new ApiKeysPanel(endpoints, name, currentUser.has(Permission.ENDPOINTS_KEYS));
        tabs.add("API keys", keys).setId("tab-keys");
        tabs.add("Settings", new SettingsPanel(endpoints, name, info.settings(), canDeploy, stored -> refresh()))
                .setId("tab-settings");
        add(top, access, serving, tabs);
        showBaseUrl();
        refresh();
    }

    private Component overview(boolean canDeploy) {
        Paragraph versionsHint = new Paragraph("To roll out another version, open it on the Models screen and press"
                + " Deploy with this endpoint's name: it replaces this one without downtime, or with a canary share"
                + " runs beside it until you promote it or roll it back.");
        versionsHint.addClassName("panel-hint");
        VerticalLayout overview = new VerticalLayout(new H4("Versions & traffic"), versionsHint, versions);
        overview.setPadding(false);
        if (canDeploy) {
            HorizontalLayout actions = new HorizontalLayout(promote, rollback, canaryTraffic, applyCanaryTraffic);
            actions.setAlignItems(FlexComponent.Alignment.BASELINE);
            overview.add(actions);
        }
        H4 liveTitle = new H4("Live: last 5 minutes");
        overview.add(liveTitle, live, new H4("Replicas"), replicas, new H4("Activity"), events);
        return overview;
    }

    private void configureVersions() {
        versions.setId("versions-grid");
        versions.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        versions.setAllRowsVisible(true);
        versions.addComponentColumn(row -> new RouterLink(row.deployment().label(), ModelView.class,
                new RouteParameters("name", row.deployment().modelName()))).setHeader("Version").setFlexGrow(1);
        versions.addComponentColumn(row -> badge(row.role(), switch (row.role()) {
            case "serving" -> "success";
            case "canary" -> "warning";
            default -> "";
        })).setHeader("Role").setAutoWidth(true).setFlexGrow(0);
        versions.addColumn(row -> row.deployment().state() == DeploymentState.STARTING
                ? (row.deployment().canaryPercent() > 0 ? row.deployment().canaryPercent() + " % once ready"
                : "all once ready") : row.deployment().trafficPercent() + " %")
                .setHeader("Traffic").setAutoWidth(true).setFlexGrow(0);
        versions.addColumn(row -> row.readyReplicas() + " / " + row.deployment().replicas())
                .setHeader("Replicas ready").setAutoWidth(true).setFlexGrow(0);
        versions.addColumn(row -> row.deployment().createdBy() + ", " + EndpointsView.when(row.deployment()
                .createdAt()) + " UTC").setHeader("Deployed").setAutoWidth(true).setFlexGrow(0);
        versions.setEmptyStateText("Nothing deployed. Deploy a version from the Models screen to serve again.");

        promote.setId("promote-button");
        promote.addThemeVariants(ButtonVariant.LUMO_SUCCESS);
        promote.setTooltipText("The canary takes all traffic; the version it was tested against leaves");
        promote.addClickListener(e -> act(() -> {
            EndpointInfo promoted = endpoints.promote(name);
            Notifications.success(promoted.stable().map(DeploymentInfo::label).orElse("The canary")
                    + " now takes all traffic");
        }));
        rollback.setId("rollback-button");
        rollback.addThemeVariants(ButtonVariant.LUMO_ERROR);
        rollback.setTooltipText("Drops a canary or a rollout in progress, else deploys the previous version again");
        rollback.addClickListener(e -> confirmRollback());
        canaryTraffic.setId("canary-traffic");
        canaryTraffic.setMin(1);
        canaryTraffic.setMax(99);
        canaryTraffic.setStepButtonsVisible(true);
        canaryTraffic.setSuffixComponent(new Span("%"));
        canaryTraffic.setWidth("9rem");
        applyCanaryTraffic.setId("canary-traffic-apply");
        applyCanaryTraffic.addClickListener(e -> act(() -> {
            if (canaryTraffic.getValue() == null) {
                throw new InvalidRequestException("percent", "Enter the canary's share, 1 to 99 %.");
            }
            endpoints.setCanaryTraffic(name, canaryTraffic.getValue());
            Notifications.success("The canary now takes " + canaryTraffic.getValue() + " % of the traffic");
        }));
    }

    private void configureReplicas() {
        replicas.setId("replicas-grid");
        replicas.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES,
                GridVariant.LUMO_WRAP_CELL_CONTENT);
        replicas.setAllRowsVisible(true);
        replicas.addColumn(row -> row.replica().id()).setHeader("Replica").setAutoWidth(true).setFlexGrow(0);
        replicas.addColumn(ReplicaRow::version).setHeader("Version").setAutoWidth(true).setFlexGrow(0);
        replicas.addColumn(row -> row.replica().workerId() == null ? "–" : row.replica().workerId())
                .setHeader("Worker").setAutoWidth(true).setFlexGrow(0);
        replicas.addComponentColumn(row -> badge(EndpointsView.capitalized(row.replica().state().name()),
                switch (row.replica().state()) {
                    case READY -> "success";
                    case FAILED -> "error";
                    case DRAINING, STOPPED -> "contrast";
                    case PENDING, LOADING -> "";
                })).setHeader("State").setAutoWidth(true).setFlexGrow(0);
        replicas.addColumn(row -> row.replica().message() == null ? "" : row.replica().message())
                .setHeader("Message").setFlexGrow(1);
        replicas.addColumn(row -> EndpointsView.when(since(row.replica()))).setHeader("Since (UTC)")
                .setAutoWidth(true).setFlexGrow(0);
        replicas.setEmptyStateText("No replicas yet.");
    }

    private void configureEvents() {
        events.setId("events-grid");
        events.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES,
                GridVariant.LUMO_WRAP_CELL_CONTENT);
        events.setAllRowsVisible(true);
        events.addColumn(e -> EndpointsView.when(e.at())).setHeader("When (UTC)").setAutoWidth(true)
                .setFlexGrow(0);
        events.addComponentColumn(e -> badge(e.kind(), switch (e.kind()) {
            case "deploy", "promote" -> "success";
            case "rollback", "replica" -> "error";
            case "canary" -> "warning";
            default -> "contrast";
        })).setHeader("Kind").setAutoWidth(true).setFlexGrow(0);
        events.addColumn(EndpointEvent::message).setHeader("What happened, and why").setFlexGrow(1);
        events.addColumn(EndpointEvent::actor).setHeader("By").setAutoWidth(true).setFlexGrow(0);
        events.setEmptyStateText("Nothing has happened yet.");
    }

    private void refresh() {
        if (info == null) {
            return;
        }
        Optional<EndpointInfo> found = endpoints.find(name);
        if (found.isEmpty()) {
            return;
        }
        info = found.get();
        EndpointsView.showStatus(status, info.status());
        serving.setText("Serving " + EndpointsView.serving(info) + " · replicas ready " + info.readyReplicas()
                + " of " + info.wantedReplicas());
        stop.setVisible(!info.stopped());

        List<DeploymentInfo> history = endpoints.history(name);
        Map<Long, String> labels = new HashMap<>();
        history.forEach(d -> labels.put(d.id(), d.label()));
        List<ReplicaInfo> replicaList = endpoints.replicas(name);
        Optional<DeploymentInfo> canary = info.canary();
        List<VersionRow> versionRows = info.deployments().stream().map(d -> new VersionRow(d,
                d.state() == DeploymentState.STARTING ? "starting"
                        : canary.isPresent() && canary.get().id() == d.id() ? "canary" : "serving",
                replicaList.stream().filter(r -> r.deploymentId() == d.id() && r.state() == ReplicaState.READY)
                        .count())).toList();
        if (!versionRows.equals(shownVersions)) {
            shownVersions = versionRows;
            versions.setItems(versionRows);
        }
        promote.setEnabled(canary.isPresent());
        rollback.setEnabled(!info.stopped() && canRollBack(info, history));
        canaryTraffic.setVisible(canary.isPresent());
        applyCanaryTraffic.setVisible(canary.isPresent());
        if (canary.isPresent() && canary.get().trafficPercent() != canaryPercentShown) {
            canaryPercentShown = canary.get().trafficPercent();
            canaryTraffic.setValue(canaryPercentShown);
        }

        List<ReplicaRow> replicaRows = replicaList.stream()
                .map(r -> new ReplicaRow(r, labels.getOrDefault(r.deploymentId(), "?"))).toList();
        if (!replicaRows.equals(shownReplicas)) {
            shownReplicas = replicaRows;
            replicas.setItems(replicaRows);
        }
        List<EndpointEvent> eventList = endpoints.events(name, EVENTS_SHOWN);
        if (!eventList.equals(shownEvents)) {
            shownEvents = eventList;
            events.setItems(eventList);
        }

        int inFlight = 0;
        int queued = hub.parked(name);
        for (DeploymentInfo deployment : info.deployments()) {
            ReplicaHub.DeploymentLoad load = endpoints.load(deployment.id());
            inFlight += load.inFlight();
            queued += load.queued();
        }
        live.update(metrics.lastSeconds(name, LiveMetrics.WINDOW_SECONDS), metrics.totals(name), inFlight, queued);
        keys.refresh();
    }

    private void showBaseUrl() {
        url.setText(baseUrl + "/v1");
        if (playground != null) {
            playground.setBaseUrl(baseUrl);
        }
        if (keys != null) {
            keys.setBaseUrl(baseUrl);
        }
    }

    /** Runs a change of the endpoint; a refusal (no canary, nothing to roll back to) is shown, not thrown. */
    private void act(Runnable change) {
        try {
            change.run();
        } catch (InvalidRequestException e) {
            Notifications.error(e.getMessage());
        }
        refresh();
    }

    private void confirmRollback() {
        Optional<DeploymentInfo> stable = info.stable();
        boolean dropsNewer = stable.isPresent() && info.deployments().size() > 1;
        String text = dropsNewer
                ? "Removes " + info.deployments().stream().filter(d -> d.id() != stable.get().id())
                        .map(DeploymentInfo::label).toList() + "; " + stable.get().label() + " takes all traffic."
                : "Deploys the version served before " + stable.map(DeploymentInfo::label).orElse("this one")
                        + " again; the current one serves until it is ready.";
        ConfirmDialog confirm = new ConfirmDialog("Roll back " + name + "?", text, "Roll back",
                e -> act(() -> {
                    endpoints.rollback(name);
                    Notifications.success("Rolling back " + name);
                }));
        confirm.setId("confirm-rollback");
        confirm.setCancelable(true);
        confirm.setConfirmButtonTheme("error primary");
        confirm.open();
    }

    private void confirmStop() {
        ConfirmDialog confirm = new ConfirmDialog("Stop " + name + "?", "Clients get “model not found” from now"
                + " on; replicas answer the requests they hold, then stop. Deploying a version to " + name
                + " starts it again, with its API keys and settings.", "Stop endpoint", e -> act(() -> {
                    endpoints.stop(name);
                    Notifications.success(name + " stopped");
                }));
        confirm.setId("confirm-stop");
        confirm.setCancelable(true);
        confirm.setConfirmButtonTheme("error primary");
        confirm.open();
    }

    /**
     * Whether {@link EndpointService#rollback} has something to undo, asked the way it decides: a version beside
     * the stable one to drop, else an earlier version to deploy again.
     */
    private static boolean canRollBack(EndpointInfo endpoint, List<DeploymentInfo> history) {
        Optional<DeploymentInfo> stable = endpoint.stable();
        return stable.isPresent() && endpoint.deployments().size() > 1 || history.stream()
                .anyMatch(d -> d.state() == DeploymentState.RETIRED
                        && stable.map(s -> s.modelVersionId() != d.modelVersionId()).orElse(true));
    }

    private static OffsetDateTime since(ReplicaInfo replica) {
        return replica.endedAt() != null ? replica.endedAt()
                : replica.readyAt() != null ? replica.readyAt() : replica.createdAt();
    }

    private static Span badge(String text, String theme) {
        Span badge = new Span(text);
        badge.getElement().setAttribute("theme", "badge " + theme);
        return badge;
    }
}
