package dev.llmops.studio.feedback;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.llmops.studio.platform.PeriodicRefresh;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Every review queue with how far its reviews are. Refreshed every 5 s, since reviewers submit from their own
 * sessions and no event of theirs reaches this screen.
 */
@Route("review-queues")
@PageTitle("Review queues")
@Menu(order = 22, icon = "vaadin:clipboard-check", title = "Review queues")
@RequiresPermission(Permission.REVIEW_QUEUES_VIEW)
public class ReviewQueuesView extends VerticalLayout {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private final ReviewService reviews;
    private final Grid<ReviewQueueInfo> grid = new Grid<>(ReviewQueueInfo.class, false);

    ReviewQueuesView(ReviewService reviews) {
        this.reviews = reviews;
        setId("review-queues-view");
        setSizeFull();
        Paragraph hint = new Paragraph("People rate, compare and correct model answers in review queues; each item"
                + " goes to as many reviewers as its queue asks, so their agreement can be measured. Click a queue"
                + " for its progress, agreement, disagreements and export.");
        hint.addClassName("panel-hint");
        grid.setId("review-queues-grid");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.addColumn(ReviewQueueInfo::name).setHeader("Queue").setFlexGrow(1);
        grid.addColumn(q -> String.format("%,d", q.items())).setHeader("Items").setAutoWidth(true).setFlexGrow(0);
        grid.addComponentColumn(ReviewQueuesView::progress).setHeader("Reviews submitted").setWidth("18rem")
                .setFlexGrow(0);
        grid.addColumn(q -> String.format("%,d of %,d", q.completedItems(), q.items()))
                .setHeader("Items fully reviewed").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(ReviewQueueInfo::reviewersPerItem).setHeader("Reviewers per item").setAutoWidth(true)
                .setFlexGrow(0);
        grid.addColumn(q -> q.createdBy() + ", " + WHEN.format(q.createdAt().atZoneSameInstant(ZoneOffset.UTC))
                + " UTC").setHeader("Created").setAutoWidth(true).setFlexGrow(0);
        grid.addItemClickListener(e -> getUI().ifPresent(ui -> ui.navigate(ReviewRoutes.dashboard(
                e.getItem().name()))));
        Div empty = new Div(new Paragraph("No review queues yet. A pipeline's Human review step creates its queue"
                + " when it runs; add one to a pipeline in the designer."));
        empty.addClassName("empty-state");
        grid.setEmptyStateComponent(empty);
        grid.setSizeFull();
        add(hint, grid);
        refresh();
        PeriodicRefresh.whileAttached(this, Duration.ofSeconds(5), this::refresh);
    }

    private void refresh() {
        grid.setItems(reviews.queues());
    }

    /** A progress bar with "submitted of assigned" beside it; the dashboard shows reviewers the same way. */
    static Component progress(long submitted, long assigned) {
        ProgressBar bar = new ProgressBar(0, 1, assigned == 0 ? 0 : (double) submitted / assigned);
        bar.setWidth("8rem");
        Span text = new Span(String.format("%,d of %,d", submitted, assigned));
        HorizontalLayout row = new HorizontalLayout(bar, text);
        row.setAlignItems(FlexComponent.Alignment.CENTER);
        return row;
    }

    private static Component progress(ReviewQueueInfo queue) {
        return progress(queue.submittedReviews(), queue.assignedReviews());
    }
}
