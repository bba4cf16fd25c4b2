package dev.llmops.studio.feedback;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.shared.Tooltip;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteParameters;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.server.streams.DownloadHandler;
import com.vaadin.flow.server.streams.DownloadResponse;
import dev.llmops.studio.dataset.Bars;
import dev.llmops.studio.dataset.DatasetView;
import dev.llmops.studio.platform.BackgroundWork;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.platform.NotFoundException;
import dev.llmops.studio.platform.Notifications;
import dev.llmops.studio.security.CurrentUser;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One review queue at a glance: progress overall and per reviewer, what reviewers said, how much they agree, where
 * they disagree; for its managers the export of the reviews as a dataset version and the preference pairs.
 */
@Route("review-queues/:queue")
@RequiresPermission(Permission.REVIEW_QUEUES_VIEW)
public class ReviewQueueView extends VerticalLayout implements BeforeEnterObserver, HasDynamicTitle {

    private static final String NOT_ENOUGH = "not enough overlapping reviews yet";

    private final ReviewService reviews;
    private final CurrentUser currentUser;
    private String queue = "";

    ReviewQueueView(ReviewService reviews, CurrentUser currentUser) {
        this.reviews = reviews;
        this.currentUser = currentUser;
        setId("review-queue-view");
    }

    @Override
    public String getPageTitle() {
        return "Review queue " + queue;
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        queue = event.getRouteParameters().get("queue").orElse("");
        build();
    }

    private void build() {
        removeAll();
        QueueDashboard dashboard;
        try {
            dashboard = reviews.dashboard(queue);
        } catch (NotFoundException e) {
            add(new H3("No review queue named “" + queue + "”"), new Paragraph(new Span("Queues are listed on "),
                    new RouterLink("Review queues", ReviewQueuesView.class), new Span(".")));
            return;
        }
        add(header(dashboard.queue()));
        if (dashboard.queue().instructions() != null) {
            Paragraph instructions = new Paragraph("Instructions to reviewers: " + dashboard.queue().instructions());
            instructions.addClassName("panel-hint");
            add(instructions);
        }
        add(section("Progress", overallProgress(dashboard.queue()), reviewerGrid(dashboard)),
                section("What reviewers said", said(dashboard)),
                section("Agreement", agreement(dashboard)),
                section("Disagreements", disagreements(dashboard)));
    }

    private Component header(ReviewQueueInfo info) {
        H3 title = new H3(info.name());
        title.setId("review-queue-title");
        title.addClassName("review-title");
        Button refresh = new Button("Refresh", VaadinIcon.REFRESH.create(), e -> build());
        refresh.setId("review-queue-refresh");
        refresh.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        Div spacer = new Div();
        HorizontalLayout header = new HorizontalLayout(title, refresh, spacer);
        header.setAlignItems(FlexComponent.Alignment.CENTER);
        header.setWidthFull();
        header.setFlexGrow(1, spacer);
        if (currentUser.has(Permission.REVIEW_QUEUES_MANAGE)) {
            Anchor download = new Anchor(DownloadHandler.fromInputStream(event -> {
                byte[] jsonl = reviews.preferences(queue).getBytes(StandardCharsets.UTF_8);
                return new DownloadResponse(new ByteArrayInputStream(jsonl), fileStem(queue) + "-preferences.jsonl",
                        "application/x-ndjson", jsonl.length);
            }), "Download preference pairs (JSONL)");
            download.setId("download-preferences");
            download.getElement().setAttribute("download", true);
            Button export = new Button("Export as dataset version", VaadinIcon.DATABASE.create(),
                    e -> openExport());
            export.setId("export-reviews");
            export.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            header.add(download, export);
        }
        return header;
    }

    private static String fileStem(String queue) {
        return queue.replaceAll("[^A-Za-z0-9._-]+", "-");
    }

    private static Div section(String title, Component... content) {
        Div section = new Div(new H4(title));
        section.add(content);
        section.addClassName("dataset-section");
        return section;
    }

    private static Component overallProgress(ReviewQueueInfo info) {
        ProgressBar bar = new ProgressBar(0, 1, info.fraction());
        bar.setWidth("20rem");
        Span text = new Span(String.format(Locale.ROOT, "%,d of %,d reviews submitted · %,d of %,d items fully"
                + " reviewed · %d reviewer(s) per item", info.submittedReviews(), info.assignedReviews(),
                info.completedItems(), info.items(), info.reviewersPerItem()));
        text.setId("review-queue-progress");
        HorizontalLayout row = new HorizontalLayout(bar, text);
        row.setAlignItems(FlexComponent.Alignment.CENTER);
        return row;
    }

    private static Component reviewerGrid(QueueDashboard dashboard) {
        Grid<ReviewerProgress> grid = new Grid<>(ReviewerProgress.class, false);
        grid.setId("reviewers-grid");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        grid.setAllRowsVisible(true);
        grid.addColumn(ReviewerProgress::reviewer).setHeader("Reviewer").setFlexGrow(1);
        grid.addComponentColumn(p -> ReviewQueuesView.progress(p.submitted(), p.assigned()))
                .setHeader("Reviewed").setWidth("18rem").setFlexGrow(0);
        grid.setEmptyStateText("Nobody has items in this queue yet.");
        grid.setItems(dashboard.reviewers());
        return grid;
    }

    private static Component said(QueueDashboard dashboard) {
        Map<String, Long> ratings = new LinkedHashMap<>();
        for (int stars = 1; stars <= 5; stars++) {
            ratings.put(stars + " ★", dashboard.ratingCounts()[stars - 1]);
        }
        Map<String, Long> thumbs = new LinkedHashMap<>();
        thumbs.put("up", dashboard.thumbsUp());
        thumbs.put("down", dashboard.thumbsDown());
        Map<String, Long> tags = new LinkedHashMap<>();
        for (ReviewTag tag : ReviewTag.values()) {
            tags.put(tag.id(), dashboard.tagCounts().getOrDefault(tag, 0L));
        }
        Map<String, Long> choices = new LinkedHashMap<>();
        choices.put("A (first answer)", dashboard.preferenceCounts().getOrDefault(Preference.A, 0L));
        choices.put("B (second answer)", dashboard.preferenceCounts().getOrDefault(Preference.B, 0L));
        choices.put("tie", dashboard.preferenceCounts().getOrDefault(Preference.TIE, 0L));
        Bars ratingBars = new Bars("Ratings", ratings);
        ratingBars.setId("rating-distribution");
        Div bars = new Div(ratingBars, new Bars("Thumbs", thumbs), new Bars("Problems tagged", tags),
                new Bars("Pairwise choices", choices));
        bars.addClassName("dataset-figures");
        Paragraph leftShare = new Paragraph(dashboard.sideChoices() == 0 ? "No answer chosen between two yet."
                : String.format(Locale.ROOT, "The answer shown on the left was chosen in %d of %d choices (%.0f %%);"
                + " far from 50 %% hints at position bias (answers are shown in random order per reviewer).",
                dashboard.leftChosen(), dashboard.sideChoices(),
                100.0 * dashboard.leftChosen() / dashboard.sideChoices()));
        leftShare.setId("left-share");
        Paragraph corrections = new Paragraph(dashboard.corrections() + " answer(s) corrected by reviewers.");
        corrections.setId("corrections");
        return new Div(bars, leftShare, corrections);
    }

    private static Component agreement(QueueDashboard dashboard) {
        String kappaText = dashboard.kappa() == null || dashboard.kappa().isNaN() ? NOT_ENOUGH
                : String.format(Locale.ROOT, "%.2f (%s, on %d item(s))", dashboard.kappa(),
                        String.join(" and ", dashboard.kappaPair()), dashboard.kappaItems());
        Div figures = new Div(
                figure("Cohen's kappa, ratings", kappaText, "agreement-kappa", "How often the two reviewers who"
                        + " rated the most items in common gave the same rating, beyond chance: 1 always, 0 no"
                        + " better than chance, below 0 worse."),
                figure("Krippendorff's alpha, ratings", alpha(dashboard.alpha()), "agreement-alpha",
                        "Agreement of all reviewers' ratings, as distances on the 1–5 scale, beyond chance: 1"
                        + " perfect, 0 chance level; 0.8 or more is usually taken as reliable."),
                figure("Krippendorff's alpha, thumbs and choices", alpha(dashboard.alphaNominal()),
                        "agreement-alpha-nominal", "Agreement of the thumbs and the A/B choices (same or not),"
                        + " beyond chance: 1 perfect, 0 chance level."));
        figures.addClassName("dataset-figures");
        return figures;
    }

    private static String alpha(double value) {
        return Double.isNaN(value) ? NOT_ENOUGH : String.format(Locale.ROOT, "%.2f", value);
    }

    private static Component figure(String caption, String value, String id, String meaning) {
        Span number = new Span(value);
        number.setId(id);
        number.addClassName(value.equals(NOT_ENOUGH) ? "review-figure-none" : "review-figure-value");
        Span label = new Span(caption);
        label.addClassName("panel-hint");
        Div figure = new Div(number, label);
        figure.addClassName("review-figure");
        Tooltip.forComponent(figure).setText(meaning);
        return figure;
    }

    private static Component disagreements(QueueDashboard dashboard) {
        Grid<QueueDashboard.Disagreement> grid = new Grid<>(QueueDashboard.Disagreement.class, false);
        grid.setId("disagreements-grid");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES,
                GridVariant.LUMO_WRAP_CELL_CONTENT);
        grid.setAllRowsVisible(true);
        grid.addColumn(QueueDashboard.Disagreement::prompt).setHeader("Prompt").setFlexGrow(2);
        grid.addColumn(QueueDashboard.Disagreement::response).setHeader("Response").setFlexGrow(2);
        grid.addColumn(d -> d.opinions().stream().map(o -> o.reviewer() + ": " + ReviewService.describe(o.input()))
                .collect(Collectors.joining(" · "))).setHeader("What each reviewer said").setFlexGrow(2);
        grid.setEmptyStateText("No disagreements: reviewers of the same item agree (ratings within one star, same"
                + " thumb, same choice), or no item has two reviews yet.");
        grid.setItems(dashboard.disagreements());
        return grid;
    }

    private void openExport() {
        Dialog dialog = new Dialog();
        dialog.setId("export-dialog");
        dialog.setHeaderTitle("Export reviews as a dataset version");
        Paragraph explain = new Paragraph("Corrected answers, answers reviewers accepted (mean rating 4 or more,"
                + " none tagged unsafe) and the preferred answer of each pair become the next version of the"
                + " dataset; rejected answers are left out. Preference pairs can be downloaded beside it.");
        explain.addClassName("panel-hint");
        TextField name = new TextField("Dataset name");
        name.setId("export-dataset-name");
        name.setValue(queue + "-reviewed");
        name.setWidthFull();
        Div result = new Div();
        result.setId("export-result");
        Button export = new Button("Export");
        export.setId("export-confirm");
        export.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        export.addClickListener(e -> {
            name.setInvalid(false);
            export.setEnabled(false);
            String datasetName = name.getValue().strip();
            BackgroundWork.start(this, "review-export", handle -> reviews.export(queue, datasetName), done -> {
                export.setEnabled(true);
                result.removeAll();
                result.add(exported(done));
                Notifications.success("Exported to " + done.dataset().datasetName() + " v"
                        + done.dataset().version());
            }, failure -> {
                export.setEnabled(true);
                if (failure instanceof InvalidRequestException invalid) {
                    name.setErrorMessage(invalid.getMessage());
                    name.setInvalid(true);
                } else {
                    Notifications.error("Export failed: " + failure.getMessage());
                }
            });
        });
        dialog.add(explain, name, result);
        dialog.getFooter().add(new Button("Close", e -> dialog.close()), export);
        dialog.setWidth("36rem");
        dialog.open();
    }

    private static Component exported(ReviewExport done) {
        RouterLink version = new RouterLink(done.dataset().datasetName() + " v" + done.dataset().version(),
                DatasetView.class, new RouteParameters("name", done.dataset().datasetName()));
        version.setId("export-version-link");
        UnorderedList counts = new UnorderedList(
                new ListItem(done.corrected() + " corrected"),
                new ListItem(done.accepted() + " accepted"),
                new ListItem(done.preferred() + " preferred (pairwise)"),
                new ListItem(done.rejected() + " rejected, left out"),
                new ListItem(done.preferencePairs() + " preference pair(s)"));
        counts.setId("export-counts");
        return new Div(new Paragraph(new Span(done.examples() + " example(s) written to "), version,
                new Span(".")), counts);
    }
}
