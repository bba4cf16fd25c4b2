package dev.llmops.studio.serving;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteParameters;
import dev.llmops.studio.platform.PeriodicRefresh;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Every endpoint with what it serves and how it is doing. Refreshed every 2 s: replicas come and go on workers and
 * requests arrive on other threads, and no event of theirs reaches the screen.
 */
@Route("endpoints")
@PageTitle("Endpoints")
@Menu(order = 18, icon = "vaadin:rocket", title = "Endpoints")
@RequiresPermission(Permission.ENDPOINTS_VIEW)
public class EndpointsView extends VerticalLayout {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final EndpointService endpoints;
    private final ServingMetrics metrics;
    private final Grid<EndpointInfo> grid = new Grid<>(EndpointInfo.class, false);

    EndpointsView(EndpointService endpoints, ServingMetrics metrics) {
        this.endpoints = endpoints;
        this.metrics = metrics;
        setId("endpoints-view");
        setSizeFull();
        Paragraph hint = new Paragraph("An endpoint answers OpenAI-compatible requests (the model a client names is"
                + " the endpoint's name) with the model versions deployed on it. Click one for its traffic, replicas,"
                + " live metrics, API keys and playground.");
        hint.addClassName("panel-hint");

        grid.setId("endpoints-grid");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_WRAP_CELL_CONTENT);
        grid.addColumn(EndpointInfo::name).setHeader("Endpoint").setFlexGrow(1);
        grid.addComponentColumn(e -> statusBadge(e.status())).setHeader("Status").setAutoWidth(true)
                .setFlexGrow(0);
        grid.addColumn(EndpointsView::serving).setHeader("Serving").setFlexGrow(2);
        grid.addColumn(e -> e.readyReplicas() + " / " + e.wantedReplicas()).setHeader("Replicas ready")
                .setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(e -> String.format(Locale.ROOT, "%,d", metrics.totals(e.name())[0])).setHeader("Requests")
                .setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(e -> when(e.createdAt())).setHeader("Created (UTC)").setAutoWidth(true).setFlexGrow(0);
        grid.addItemClickListener(e -> getUI().ifPresent(ui -> ui.navigate(EndpointView.class,
                new RouteParameters("name", e.getItem().name()))));
        Div empty = new Div(new Paragraph("No endpoints yet. Deploy a model version from the Models screen (open a"
                + " model, click a version, press Deploy) or with a Deploy step in a pipeline."));
        empty.addClassName("empty-state");
        grid.setEmptyStateComponent(empty);
        grid.setSizeFull();
        add(hint, grid);
        refresh();
        PeriodicRefresh.whileAttached(this, Duration.ofSeconds(2), this::refresh);
    }

    private void refresh() {
        grid.setItems(endpoints.list());
    }

    /** The status as a coloured badge; the endpoint page updates the same badge in place. */
    static Span statusBadge(EndpointStatus status) {
        Span badge = new Span();
        showStatus(badge, status);
        return badge;
    }

    static void showStatus(Span badge, EndpointStatus status) {
        badge.setText(capitalized(status.name()));
        badge.getElement().setAttribute("theme", "badge " + switch (status) {
            case READY -> "success";
            case DEPLOYING -> "";
            case DEGRADED -> "warning";
            case FAILED -> "error";
            case STOPPED -> "contrast";
        });
    }

    /** "support v2 · 90 %, support v3 · 10 %", with versions still starting marked as such. */
    static String serving(EndpointInfo endpoint) {
        if (endpoint.deployments().isEmpty()) {
            return endpoint.stopped() ? "nothing (stopped)" : "nothing";
        }
        return endpoint.deployments().stream().map(d -> d.state() == DeploymentState.STARTING
                ? d.label() + " · starting" : d.label() + " · " + d.trafficPercent() + " %")
                .collect(Collectors.joining(", "));
    }

    static String when(OffsetDateTime time) {
        return time == null ? "" : WHEN.format(time.atZoneSameInstant(ZoneOffset.UTC));
    }

    static String capitalized(String constant) {
        return constant.charAt(0) + constant.substring(1).toLowerCase(Locale.ROOT);
    }
}
