package dev.llmops.studio.designer;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import dev.llmops.studio.pipeline.PipelineService;
import dev.llmops.studio.platform.PeriodicRefresh;
import dev.llmops.studio.pipeline.PipelineSummary;
import dev.llmops.studio.run.RunService;
import dev.llmops.studio.run.RunStatus;
import dev.llmops.studio.run.RunSummary;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** All runs, newest first, filtered by pipeline, state and who started them; refreshed while open. */
@Route("runs")
@PageTitle("Runs")
@Menu(order = 20, icon = "vaadin:play-circle-o", title = "Runs")
@RequiresPermission(Permission.RUNS_VIEW)
public class RunsView extends VerticalLayout {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final RunService runs;
    private final Select<PipelineSummary> pipeline = new Select<>();
    private final Select<RunStatus> status = new Select<>();
    private final TextField startedBy = new TextField();
    private final Grid<RunSummary> grid = new Grid<>(RunSummary.class, false);

    RunsView(RunService runs, PipelineService pipelines) {
        this.runs = runs;
        setId("runs-view");
        setSizeFull();

        pipeline.setPlaceholder("All pipelines");
        pipeline.setEmptySelectionAllowed(true);
        pipeline.setEmptySelectionCaption("All pipelines");
        pipeline.setItems(pipelines.list(null));
        pipeline.setItemLabelGenerator(p -> p == null ? "All pipelines" : p.name());
        status.setPlaceholder("Any state");
        status.setEmptySelectionAllowed(true);
        status.setEmptySelectionCaption("Any state");
        status.setItems(RunStatus.values());
        startedBy.setPlaceholder("Started by");
        startedBy.setPrefixComponent(VaadinIcon.USER.create());
        startedBy.setValueChangeMode(ValueChangeMode.LAZY);
        startedBy.setClearButtonVisible(true);
        pipeline.addValueChangeListener(e -> refresh());
        status.addValueChangeListener(e -> refresh());
        startedBy.addValueChangeListener(e -> refresh());
        HorizontalLayout filters = new HorizontalLayout(pipeline, status, startedBy);
        filters.setAlignItems(FlexComponent.Alignment.BASELINE);

        grid.setId("runs-grid");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.addComponentColumn(r -> new RouterLink("#" + r.id(), RunView.class, RunView.route(r.id())))
                .setHeader("Run").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(r -> r.pipelineName() + " v" + r.pipelineVersion()).setHeader("Pipeline").setFlexGrow(2);
        grid.addComponentColumn(RunsView::state).setHeader("State").setAutoWidth(true).setFlexGrow(0);
        grid.addComponentColumn(r -> {
            ProgressBar bar = new ProgressBar(0, 1, r.progress());
            bar.setWidth("8em");
            return bar;
        }).setHeader("Progress").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(r -> r.startedBy() + " (" + r.trigger().name().toLowerCase() + ")").setHeader("Started by")
                .setAutoWidth(true);
        grid.addColumn(r -> WHEN.format(r.createdAt().atZoneSameInstant(ZoneOffset.UTC))).setHeader("Started (UTC)")
                .setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(r -> took(r.createdAt(), r.finishedAt())).setHeader("Took").setAutoWidth(true).setFlexGrow(0);
        grid.setEmptyStateComponent(emptyState());
        grid.setSizeFull();
        add(filters, grid);
        refresh();
        PeriodicRefresh.whileAttached(this, Duration.ofSeconds(2), this::refresh);
    }


    private void refresh() {
        grid.setItems(runs.list(pipeline.getValue() == null ? null : pipeline.getValue().id(), status.getValue(),
                startedBy.getValue(), 200));
    }

    private static Component emptyState() {
        Div empty = new Div(new Paragraph("No runs yet. Open a pipeline and press Run; scheduled and API-started "
                + "runs appear here too."));
        empty.addClassName("empty-state");
        return empty;
    }

    private static Component state(RunSummary r) {
        Span badge = new Span(r.status().name().charAt(0) + r.status().name().substring(1).toLowerCase());
        badge.getElement().getThemeList().add("badge " + switch (r.status()) {
            case SUCCEEDED -> "success";
            case FAILED -> "error";
            case RUNNING, CANCELLING -> "";
            case CANCELLED -> "contrast";
        });
        return badge;
    }

    private static String took(OffsetDateTime start, OffsetDateTime end) {
        Duration took = Duration.between(start, end == null ? OffsetDateTime.now() : end);
        return took.toHours() > 0 ? took.toHours() + " h " + took.toMinutesPart() + " min"
                : took.toMinutes() > 0 ? took.toMinutes() + " min " + took.toSecondsPart() + " s"
                : took.toSeconds() + " s";
    }
}
