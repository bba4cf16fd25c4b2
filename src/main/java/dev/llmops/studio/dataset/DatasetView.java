package dev.llmops.studio.dataset;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.streams.DownloadHandler;
import com.vaadin.flow.server.streams.DownloadResponse;
import dev.llmops.studio.platform.NotFoundException;
import dev.llmops.studio.platform.Notifications;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import java.io.IOException;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;

/** One dataset: its versions with lineage, a version's report and first examples, and the difference of two. */
@Route("dataset/:name")
@PageTitle("Dataset")
@RequiresPermission(Permission.DATASETS_VIEW)
public class DatasetView extends VerticalLayout implements BeforeEnterObserver {

    private final DatasetService datasets;
    private final Grid<DatasetVersionInfo> versions = new Grid<>(DatasetVersionInfo.class, false);
    private final Div detail = new Div();
    private String name;

    DatasetView(DatasetService datasets) {
        this.datasets = datasets;
        setId("dataset-view");
        versions.setId("versions-grid");
        versions.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
        versions.setAllRowsVisible(true);
        versions.addColumn(v -> "v" + v.version()).setHeader("Version").setAutoWidth(true);
        versions.addColumn(v -> String.format("%,d", v.rows())).setHeader("Examples").setAutoWidth(true);
        versions.addColumn(v -> String.format("%,d / %,d / %,d", v.train(), v.validation(), v.test()))
                .setHeader("Train / validation / test").setAutoWidth(true);
        versions.addColumn(DatasetView::lineage).setHeader("Made from").setFlexGrow(1);
        versions.addColumn(v -> v.piiPolicy().name().toLowerCase()).setHeader("Personal data").setAutoWidth(true);
        versions.addColumn(DatasetVersionInfo::createdBy).setHeader("By").setAutoWidth(true);
        versions.addColumn(v -> DatasetsView.WHEN.format(v.createdAt().atZoneSameInstant(ZoneOffset.UTC)))
                .setHeader("Created (UTC)").setAutoWidth(true);
        versions.addComponentColumn(v -> v.erased() ? DatasetsView.badge("erased", "contrast")
                : DatasetsView.badge(formatSize(v.sizeBytes()), "")).setHeader("Content").setAutoWidth(true);
        versions.addSelectionListener(e -> e.getFirstSelectedItem().ifPresent(this::show));
        detail.setWidthFull();
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        name = event.getRouteParameters().get("name").orElse("");
        removeAll();
        List<DatasetVersionInfo> all;
        try {
            all = datasets.versions(name);
        } catch (NotFoundException e) {
            add(new H3("No dataset named “" + name + "”"));
            return;
        }
        H3 title = new H3(name);
        title.setId("dataset-title");
        add(title, versions, compare(all), detail);
        versions.setItems(all);
        all.stream().filter(v -> !v.erased()).findFirst().or(() -> all.stream().findFirst())
                .ifPresent(versions::select);
    }

    private void show(DatasetVersionInfo version) {
        detail.removeAll();
        H4 heading = new H4("Version " + version.version());
        HorizontalLayout header = new HorizontalLayout(heading);
        header.setAlignItems(FlexComponent.Alignment.BASELINE);
        if (!version.erased()) {
            Anchor download = new Anchor(DownloadHandler.fromInputStream(event -> new DownloadResponse(
                    datasets.open(name, version.version()), name + "-v" + version.version() + ".jsonl",
                    "application/x-ndjson", version.sizeBytes())), "Download JSONL");
            download.setId("download-version");
            download.getElement().setAttribute("download", true);
            header.add(download);
        }
        Div section = new Div(header);
        section.addClassName("dataset-section");
        section.setId("version-detail");
        if (version.erased()) {
            section.add(new Paragraph("This version's content was erased (right to be forgotten) on "
                    + DatasetsView.WHEN.format(version.erasedAt().atZoneSameInstant(ZoneOffset.UTC))
                    + " UTC; a clean version replaced it."));
        }
        if (version.piiKeepReason() != null) {
            section.add(new Paragraph("Personal data kept: " + version.piiKeepReason()));
        }
        section.add(new ReportPanel(version.report()));
        if (!version.erased()) {
            try {
                List<DatasetRecord> head = datasets.head(name, version.version(), 5);
                section.add(new H4("First examples"));
                Pre examples = new Pre(head.stream().map(VersionBuilder::jsonOf).collect(Collectors.joining("\n")));
                examples.setId("version-examples");
                examples.addClassName("command");
                section.add(examples);
            } catch (IOException e) {
                section.add(new Paragraph("Cannot read the content: " + e.getMessage()));
            }
        }
        detail.add(section);
    }

    private Div compare(List<DatasetVersionInfo> all) {
        List<Integer> numbers = all.stream().filter(v -> !v.erased()).map(DatasetVersionInfo::version).toList();
        Div box = new Div();
        if (numbers.size() < 2) {
            return box;
        }
        Select<Integer> from = new Select<>();
        from.setLabel("Compare version");
        from.setItems(numbers);
        from.setValue(numbers.get(1));
        from.setId("diff-from");
        Select<Integer> to = new Select<>();
        to.setLabel("with version");
        to.setItems(numbers);
        to.setValue(numbers.get(0));
        to.setId("diff-to");
        Div result = new Div();
        result.setId("diff-result");
        Button compare = new Button("Compare", e -> {
            try {
                VersionDiff diff = datasets.diff(name, from.getValue(), to.getValue());
                result.removeAll();
                result.add(new Paragraph(String.format("v%d → v%d: %,d examples added, %,d removed, %,d unchanged",
                        diff.from(), diff.to(), diff.added(), diff.removed(), diff.unchanged())));
                if (!diff.addedSamples().isEmpty()) {
                    result.add(new Pre("+ " + diff.addedSamples().stream().map(VersionBuilder::jsonOf)
                            .collect(Collectors.joining("\n+ "))));
                }
                if (!diff.removedSamples().isEmpty()) {
                    result.add(new Pre("- " + diff.removedSamples().stream().map(VersionBuilder::jsonOf)
                            .collect(Collectors.joining("\n- "))));
                }
            } catch (IOException | RuntimeException ex) {
                Notifications.error("Cannot compare: " + ex.getMessage());
            }
        });
        compare.setId("compare-versions");
        HorizontalLayout row = new HorizontalLayout(from, to, compare);
        row.setAlignItems(FlexComponent.Alignment.BASELINE);
        box.add(row, result);
        box.setWidthFull();
        return box;
    }

    private static String lineage(DatasetVersionInfo v) {
        return switch (v.sourceKind()) {
            case UPLOAD -> "upload of " + v.sourceRef();
            case RUN -> "pipeline " + v.sourceRef();
            case FEEDBACK -> "review feedback " + v.sourceRef();
            case ERASURE -> "erasure, replacing v" + v.parentVersion();
        };
    }

    static String formatSize(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format("%.1f KB", bytes / 1024.0);
        }
        if (bytes < 1024L * 1024 * 1024) {
            return String.format("%.1f MB", bytes / (1024.0 * 1024));
        }
        return String.format("%.2f GB", bytes / (1024.0 * 1024 * 1024));
    }
}
