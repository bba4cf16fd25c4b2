package dev.llmops.studio.registry;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.markdown.Markdown;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.tabs.TabSheet;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.streams.DownloadHandler;
import com.vaadin.flow.server.streams.DownloadResponse;
import dev.llmops.studio.designer.MetricChart;
import dev.llmops.studio.platform.ConflictException;
import dev.llmops.studio.platform.NotFoundException;
import dev.llmops.studio.platform.Notifications;
import dev.llmops.studio.run.MetricSeries;
import dev.llmops.studio.run.RunService;
import dev.llmops.studio.run.TaskMetrics;
import dev.llmops.studio.security.CurrentUser;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * One registered model: its versions with lineage and scores; a version's model card, notes and actions
 * (candidate, production, download, delete, and those of other features such as deploy); and two or more
 * versions side by side with their loss curves.
 */
@Route("models/:name")
@RequiresPermission(Permission.MODELS_VIEW)
public class ModelView extends VerticalLayout implements BeforeEnterObserver, HasDynamicTitle {

    private final ModelRegistryService registry;
    private final RunService runs;
    private final CurrentUser currentUser;
    private final List<ModelVersionActions> versionActions;
    private final Grid<ModelVersionInfo> versions = new Grid<>(ModelVersionInfo.class, false);
    private final Button compare = new Button("Compare selected", VaadinIcon.SPLIT_H.create());
    private final Div comparison = new Div();
    private final Div detail = new Div();
    private String name = "";

    ModelView(ModelRegistryService registry, RunService runs, CurrentUser currentUser,
            List<ModelVersionActions> versionActions) {
        this.registry = registry;
        this.runs = runs;
        this.currentUser = currentUser;
        this.versionActions = versionActions;
        setId("model-view");
        versions.setId("model-versions-grid");
        versions.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
        versions.setSelectionMode(Grid.SelectionMode.MULTI);
        versions.setAllRowsVisible(true);
        versions.addColumn(v -> "v" + v.version()).setHeader("Version").setAutoWidth(true).setFlexGrow(0);
        versions.addComponentColumn(ModelView::aliasBadges).setHeader("Aliases").setWidth("11em").setFlexGrow(0);
        versions.addColumn(v -> v.method() == null ? "" : v.method()).setHeader("Method").setAutoWidth(true);
        versions.addColumn(ModelView::weights).setHeader("Weights").setAutoWidth(true);
        versions.addColumn(v -> megabytes(v.sizeBytes())).setHeader("Size").setAutoWidth(true);
        versions.addColumn(v -> number(v.validationLoss())).setHeader("Validation loss").setAutoWidth(true);
        versions.addColumn(v -> number(v.perplexity())).setHeader("Perplexity").setAutoWidth(true);
        versions.addColumn(ModelView::madeFrom).setHeader("Made from").setFlexGrow(1);
        versions.addColumn(v -> ModelsView.WHEN.format(v.createdAt().atZoneSameInstant(ZoneOffset.UTC)))
                .setHeader("Created (UTC)").setAutoWidth(true);
        versions.addItemClickListener(e -> show(e.getItem()));
        versions.addSelectionListener(e -> {
            int selected = e.getAllSelectedItems().size();
            compare.setEnabled(selected >= 2);
            compare.setText(selected >= 2 ? "Compare " + selected + " versions" : "Compare selected");
        });
        compare.setId("compare-versions");
        compare.setEnabled(false);
        compare.setTooltipText("Tick two or more versions");
        compare.addClickListener(e -> showComparison(versions.getSelectedItems().stream()
                .sorted(Comparator.comparingInt(ModelVersionInfo::version)).toList()));
        comparison.setId("model-comparison");
        comparison.setWidthFull();
        detail.setId("model-version-detail");
        detail.setWidthFull();
    }

    @Override
    public String getPageTitle() {
        return "Model " + name;
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        name = event.getRouteParameters().get("name").orElse("");
        reload(null);
    }

    private void reload(Integer showVersion) {
        removeAll();
        comparison.removeAll();
        comparison.removeClassName("dataset-section");
        List<ModelVersionInfo> all;
        try {
            all = registry.versions(name);
        } catch (NotFoundException e) {
            add(new H3("No model named “" + name + "”"));
            return;
        }
        H3 title = new H3(name);
        title.setId("model-title");
        Paragraph hint = new Paragraph("Click a version for its model card and actions; tick two or more to"
                + " compare them.");
        hint.addClassName("panel-hint");
        HorizontalLayout bar = new HorizontalLayout(title, compare);
        bar.setAlignItems(FlexComponent.Alignment.BASELINE);
        add(bar, hint, versions, comparison, detail);
        versions.setItems(all);
        all.stream().filter(v -> showVersion == null || v.version() == showVersion).findFirst().ifPresent(this::show);
    }

    private void show(ModelVersionInfo version) {
        detail.removeAll();
        H4 heading = new H4(version.label());
        heading.setId("model-version-title");
        HorizontalLayout actions = new HorizontalLayout();
        actions.setAlignItems(FlexComponent.Alignment.BASELINE);
        versionActions.forEach(feature -> feature.actionsFor(version).forEach(actions::add));
        if (currentUser.has(Permission.MODELS_EDIT) && !version.aliases().contains(ModelRegistryService.CANDIDATE)) {
            Button candidate = new Button("Make candidate", e -> alias(version, ModelRegistryService.CANDIDATE));
            candidate.setId("make-candidate");
            actions.add(candidate);
        }
        if (currentUser.has(Permission.MODELS_PROMOTE)
                && !version.aliases().contains(ModelRegistryService.PRODUCTION)) {
            Button promote = new Button("Promote to production", VaadinIcon.ARROW_CIRCLE_UP.create(),
                    e -> confirmPromotion(version));
            promote.setId("promote-production");
            promote.addThemeVariants(ButtonVariant.LUMO_SUCCESS, ButtonVariant.LUMO_PRIMARY);
            actions.add(promote);
        }
        if (currentUser.has(Permission.MODELS_DOWNLOAD)) {
            Anchor download = new Anchor(DownloadHandler.fromInputStream(event -> new DownloadResponse(
                    registry.download(name, version.version()), fileName(version) + ".zip", "application/zip",
                    version.sizeBytes())), "");
            download.add(new Button("Download weights", VaadinIcon.DOWNLOAD.create()));
            download.setId("download-model");
            download.getElement().setAttribute("download", true);
            actions.add(download);
        }
        if (currentUser.has(Permission.MODELS_EDIT)) {
            Button delete = new Button("Delete version", VaadinIcon.TRASH.create(), e -> confirmDelete(version));
            delete.setId("delete-model-version");
            delete.addThemeVariants(ButtonVariant.LUMO_ERROR);
            actions.add(delete);
        }

        TabSheet tabs = new TabSheet();
        tabs.setId("model-version-tabs");
        tabs.setWidthFull();
        String card = registry.card(name, version.version());
        Markdown rendered = new Markdown(card);
        rendered.setId("model-card");
        Anchor export = new Anchor(DownloadHandler.fromInputStream(event -> {
            byte[] bytes = registry.card(name, version.version()).getBytes(StandardCharsets.UTF_8);
            return new DownloadResponse(new ByteArrayInputStream(bytes), fileName(version) + "-card.md",
                    "text/markdown", bytes.length);
        }), "Export as Markdown");
        export.setId("export-model-card");
        export.getElement().setAttribute("download", true);
        tabs.add("Model card", new Div(export, rendered));
        tabs.add("Lineage", lineage(version));
        tabs.add("Notes", notes(version));
        detail.add(new HorizontalLayout(heading), actions, tabs);
    }

    private Div lineage(ModelVersionInfo version) {
        Div lineage = new Div();
        lineage.setId("model-lineage");
        if (version.runId() != null) {
            Anchor run = new Anchor("runs/" + version.runId(), "run " + version.runId());
            run.setId("lineage-run");
            lineage.add(new Paragraph(new com.vaadin.flow.component.html.Span("Made by step “" + version.nodeLabel()
                    + "” of "), run));
        }
        lineage.add(new Paragraph("Method: " + (version.method() == null ? "unknown" : version.method())
                + "; weights: " + ModelCards.quantizationText(version.quantization())));
        if (version.baseVersion() != null) {
            lineage.add(new Paragraph("Based on " + version.baseVersion()));
        }
        if (version.datasetArtifact() != null) {
            lineage.add(new Paragraph("Trained on dataset version " + version.datasetArtifact()));
        }
        lineage.add(new Paragraph("Package " + version.artifact() + " (" + megabytes(version.sizeBytes())
                + ", " + String.format(Locale.ROOT, "%,d", version.parameters()) + " parameters), by "
                + version.createdBy()));
        return lineage;
    }

    private Div notes(ModelVersionInfo version) {
        TextArea text = new TextArea("Notes (part of the model card)");
        text.setId("model-notes");
        text.setWidthFull();
        text.setMinHeight("8em");
        text.setValue(version.notes() == null ? "" : version.notes());
        boolean canEdit = currentUser.has(Permission.MODELS_EDIT);
        text.setReadOnly(!canEdit);
        Div notes = new Div(text);
        if (canEdit) {
            Button save = new Button("Save notes", e -> {
                registry.setNotes(name, version.version(), text.getValue());
                Notifications.success("Notes saved");
                reload(version.version());
            });
            save.setId("save-model-notes");
            notes.add(save);
        }
        return notes;
    }

    private void alias(ModelVersionInfo version, String alias) {
        registry.setAlias(name, version.version(), alias);
        Notifications.success(version.label() + " is now " + alias);
        reload(version.version());
    }

    private void confirmPromotion(ModelVersionInfo version) {
        ConfirmDialog confirm = new ConfirmDialog("Promote " + version.label() + " to production?",
                "Deployments that follow the production alias switch to this version. The promotion is audited.",
                "Promote", e -> alias(version, ModelRegistryService.PRODUCTION));
        confirm.setId("confirm-promotion");
        confirm.setCancelable(true);
        confirm.setConfirmButtonTheme("success primary");
        confirm.open();
    }

    private void confirmDelete(ModelVersionInfo version) {
        ConfirmDialog confirm = new ConfirmDialog("Delete " + version.label() + "?",
                "Its weights are deleted for good; the record of the runs that made it stays.", "Delete", e -> {
                    try {
                        registry.delete(name, version.version());
                        Notifications.success(version.label() + " deleted");
                        if (registry.list(null).stream().anyMatch(m -> m.name().equals(name))) {
                            reload(null);
                        } else {
                            getUI().ifPresent(ui -> ui.navigate(ModelsView.class));
                        }
                    } catch (ConflictException conflict) {
                        Notifications.error(conflict.getMessage());
                    } catch (java.io.IOException io) {
                        Notifications.error("Could not delete the weights: " + io.getMessage());
                    }
                });
        confirm.setCancelable(true);
        confirm.setConfirmButtonTheme("error primary");
        confirm.open();
    }

    /** Metrics in rows, versions in columns, then the versions' loss curves on one chart. */
    private void showComparison(List<ModelVersionInfo> selected) {
        comparison.removeAll();
        H4 heading = new H4("Comparison of " + String.join(", ", selected.stream().map(v -> "v" + v.version())
                .toList()));
        Grid<Row> table = new Grid<>(Row.class, false);
        table.setId("comparison-grid");
        table.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_COLUMN_BORDERS);
        table.setAllRowsVisible(true);
        table.addColumn(Row::metric).setHeader("").setAutoWidth(true).setFlexGrow(0);
        for (int i = 0; i < selected.size(); i++) {
            int column = i;
            table.addColumn(row -> row.values().get(column)).setHeader("v" + selected.get(i).version())
                    .setAutoWidth(true);
        }
        table.setItems(rows(selected));
        List<MetricSeries> curves = new ArrayList<>();
        for (ModelVersionInfo version : selected) {
            curves.addAll(lossCurves(version));
        }
        comparison.add(heading, table);
        if (curves.isEmpty()) {
            comparison.add(new Paragraph("These versions have no training curves (imported or quantized only)."));
        } else {
            MetricChart chart = new MetricChart("Loss");
            chart.setId("comparison-loss-chart");
            chart.setWidthFull();
            chart.setHeight("320px");
            chart.setSeries(curves);
            comparison.add(chart);
        }
        comparison.addClassName("dataset-section");
        comparison.getElement().callJsFunction("scrollIntoView");
    }

    record Row(String metric, List<String> values) {
    }

    private static List<Row> rows(List<ModelVersionInfo> versions) {
        List<Row> rows = new ArrayList<>();
        rows.add(row("validation loss", versions, v -> number(v.validationLoss())));
        rows.add(row("perplexity", versions, v -> number(v.perplexity())));
        rows.add(row("loss before training", versions,
                v -> number(v.metadata().path("result").path("firstValidationLoss").asDouble(Double.NaN))));
        rows.add(row("training steps", versions, v -> v.metadata().path("result").path("steps").asText("–")));
        rows.add(row("training time (s)", versions,
                v -> number(v.metadata().path("result").path("trainingSeconds").asDouble(Double.NaN))));
        rows.add(row("learning rate", versions, v -> v.metadata().path("training").path("learningRate").asText("–")));
        rows.add(row("epochs", versions, v -> v.metadata().path("training").path("epochs").asText("–")));
        rows.add(row("method", versions, v -> v.method() == null ? "–" : v.method()));
        rows.add(row("weights", versions, ModelView::weights));
        rows.add(row("size", versions, v -> megabytes(v.sizeBytes())));
        rows.add(row("size vs fp32", versions, v -> v.metadata().path("quantization").path("ratio").isNumber()
                ? String.format(Locale.ROOT, "%.3f×", v.metadata().path("quantization").path("ratio").asDouble())
                : "–"));
        rows.add(row("perplexity change from quantizing", versions,
                v -> v.metadata().path("quantization").path("perplexityChangePct").isNumber()
                        ? String.format(Locale.ROOT, "%+.2f %%",
                                v.metadata().path("quantization").path("perplexityChangePct").asDouble())
                        : "–"));
        rows.add(row("parameters", versions, v -> String.format(Locale.ROOT, "%,d", v.parameters())));
        rows.add(row("aliases", versions, v -> v.aliases().isEmpty() ? "–" : String.join(", ", v.aliases())));
        return rows;
    }

    private static Row row(String metric, List<ModelVersionInfo> versions, Function<ModelVersionInfo, String> value) {
        return new Row(metric, versions.stream().map(value).toList());
    }

    /** The version's train and validation loss as its run recorded them, renamed "v2 val_loss" and so on. */
    private List<MetricSeries> lossCurves(ModelVersionInfo version) {
        if (version.runId() == null || version.nodeId() == null) {
            return List.of();
        }
        List<MetricSeries> curves = new ArrayList<>();
        for (TaskMetrics task : runs.metrics(version.runId())) {
            if (task.nodeId().equals(version.nodeId())) {
                task.series().stream().filter(s -> Set.of("train_loss", "val_loss").contains(s.name()))
                        .forEach(s -> curves.add(new MetricSeries("v" + version.version() + " " + s.name(),
                                s.points(), s.samples())));
            }
        }
        return curves;
    }

    private static HorizontalLayout aliasBadges(ModelVersionInfo version) {
        HorizontalLayout badges = new HorizontalLayout();
        badges.setSpacing(false);
        badges.getStyle().set("gap", "var(--lumo-space-xs)");
        version.aliases().forEach(alias -> badges.add(ModelsView.badge(alias, alias)));
        return badges;
    }

    private static String weights(ModelVersionInfo version) {
        return version.quantization().equals("none") ? "fp32" : version.quantization();
    }

    private static String madeFrom(ModelVersionInfo version) {
        String step = version.runId() == null ? "imported" : "“" + version.nodeLabel() + "”, run " + version.runId();
        return version.baseVersion() == null ? step : step + " · from " + version.baseVersion();
    }

    private static String fileName(ModelVersionInfo version) {
        return version.modelName().replaceAll("[^A-Za-z0-9._-]+", "-") + "-v" + version.version();
    }

    static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    static String number(double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.4f", value);
    }
}
