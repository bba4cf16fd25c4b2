package dev.llmops.studio.designer;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.radiobutton.RadioGroupVariant;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.server.streams.DownloadHandler;
import com.vaadin.flow.server.streams.DownloadResponse;
import com.vaadin.flow.server.streams.UploadHandler;
import dev.llmops.studio.pipeline.InvalidPipelineFileException;
import dev.llmops.studio.pipeline.PipelineGraph;
import dev.llmops.studio.pipeline.PipelineService;
import dev.llmops.studio.pipeline.PipelineSummary;
import dev.llmops.studio.pipeline.PipelineTemplate;
import dev.llmops.studio.pipeline.PipelineTemplates;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.platform.Notifications;
import dev.llmops.studio.security.CurrentUser;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** All pipelines: search, create (blank or from a template), import, duplicate, export, delete. */
@Route("pipelines")
@PageTitle("Pipelines")
@Menu(order = 10, icon = "vaadin:connect", title = "Pipelines")
@RequiresPermission(Permission.PIPELINES_VIEW)
public class PipelinesView extends VerticalLayout {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
    private static final PipelineTemplate BLANK = new PipelineTemplate("blank", "Blank pipeline",
            "Start from an empty canvas.", PipelineGraph.empty());

    private final PipelineService pipelines;
    private final PipelineTemplates templates;
    private final boolean canEdit;
    private final Grid<PipelineSummary> grid = new Grid<>(PipelineSummary.class, false);
    private final TextField search = new TextField();
    private final Span count = new Span();

    PipelinesView(PipelineService pipelines, PipelineTemplates templates, CurrentUser currentUser) {
        this.pipelines = pipelines;
        this.templates = templates;
        this.canEdit = currentUser.has(Permission.PIPELINES_EDIT);
        setId("pipelines-view");
        setSizeFull();

        search.setPlaceholder("Search name, description or owner");
        search.setPrefixComponent(VaadinIcon.SEARCH.create());
        search.setWidth("22em");
        search.setClearButtonVisible(true);
        search.setValueChangeMode(ValueChangeMode.LAZY);
        search.addValueChangeListener(e -> refresh());
        count.addClassName("audit-total");
        count.setId("pipelines-count");
        Button create = new Button("New pipeline", VaadinIcon.PLUS.create(), e -> openCreateDialog());
        create.setId("new-pipeline");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        Button importButton = new Button("Import", VaadinIcon.UPLOAD.create(), e -> openImportDialog());
        importButton.setId("import-pipeline");
        create.setVisible(canEdit);
        importButton.setVisible(canEdit);
        HorizontalLayout toolbar = new HorizontalLayout(search, count, importButton, create);
        toolbar.setWidthFull();
        toolbar.setAlignItems(FlexComponent.Alignment.BASELINE);
        toolbar.expand(count);

        grid.setId("pipelines-grid");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.addComponentColumn(p -> new RouterLink(p.name(), DesignerView.class, DesignerView.route(p.id())))
                .setHeader("Name").setWidth("16em").setFlexGrow(2);
        grid.addColumn(p -> p.description() == null ? "" : p.description()).setHeader("Description")
                .setWidth("10em").setFlexGrow(1);
        grid.addColumn(PipelineSummary::owner).setHeader("Owner").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(p -> WHEN.format(p.updatedAt().atZoneSameInstant(ZoneOffset.UTC)))
                .setHeader("Last modified (UTC)").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(p -> "v" + p.version()).setHeader("Version").setAutoWidth(true).setFlexGrow(0);
        grid.addComponentColumn(PipelinesView::state).setHeader("State").setAutoWidth(true).setFlexGrow(0);
        grid.addComponentColumn(this::actions).setHeader("Actions").setWidth("17em").setFlexGrow(0);
        grid.setEmptyStateComponent(emptyState());
        grid.setSizeFull();
        add(toolbar, grid);
        refresh();
    }

    private void refresh() {
        List<PipelineSummary> found = pipelines.list(search.getValue());
        grid.setItems(found);
        count.setText(found.size() + (found.size() == 1 ? " pipeline" : " pipelines"));
    }

    private Component emptyState() {
        Div empty = new Div();
        empty.addClassName("empty-state");
        empty.add(new Paragraph(canEdit
                ? "No pipelines yet. Create one from a template — “Fine-tune and deploy” is a good start — or import a pipeline file."
                : "No pipelines yet. Users with the ML engineer or domain expert role can create them."));
        return empty;
    }

    private static Component state(PipelineSummary p) {
        Span badge = new Span(p.runnable() ? "Ready" : "Draft · " + p.issueCount()
                + (p.issueCount() == 1 ? " issue" : " issues"));
        badge.getElement().getThemeList().add(p.runnable() ? "badge success" : "badge contrast");
        return badge;
    }

    private Component actions(PipelineSummary p) {
        HorizontalLayout actions = new HorizontalLayout();
        actions.setSpacing(false);
        Anchor export = new Anchor(DownloadHandler.fromInputStream(event -> {
            byte[] json = pipelines.exportJson(p.id()).getBytes(StandardCharsets.UTF_8);
            return new DownloadResponse(new ByteArrayInputStream(json),
                    p.name().replaceAll("[^A-Za-z0-9._-]+", "-") + ".pipeline.json", "application/json",
                    json.length);
        }), "");
        export.getElement().setAttribute("download", true);
        Button exportButton = small(new Button("Export"));
        export.add(exportButton);
        if (canEdit) {
            Button duplicate = small(new Button("Duplicate", e -> {
                PipelineSummary copy = pipelines.duplicate(p.id());
                Notifications.success("Created “" + copy.name() + "”");
                refresh();
            }));
            duplicate.setId("duplicate-" + p.id());
            Button delete = small(new Button("Delete", e -> confirmDelete(p)));
            delete.addThemeVariants(ButtonVariant.LUMO_ERROR);
            delete.setId("delete-" + p.id());
            actions.add(duplicate, export, delete);
        } else {
            actions.add(export);
        }
        return actions;
    }

    private void confirmDelete(PipelineSummary p) {
        ConfirmDialog confirm = new ConfirmDialog("Delete “" + p.name() + "”?",
                "Its " + p.version() + (p.version() == 1 ? " version is" : " versions are")
                        + " deleted for good. Export it first if you may need it again.",
                "Delete", e -> {
                    pipelines.delete(p.id());
                    Notifications.success("Deleted “" + p.name() + "”");
                    refresh();
                });
        confirm.setConfirmButtonTheme("error primary");
        confirm.setCancelable(true);
        confirm.open();
    }

    private void openCreateDialog() {
        Dialog dialog = new Dialog();
        dialog.setId("new-pipeline-dialog");
        dialog.setHeaderTitle("New pipeline");
        dialog.setWidth("min(720px, 95vw)");
        TextField name = new TextField("Name");
        name.setId("new-pipeline-name");
        name.setRequiredIndicatorVisible(true);
        TextArea description = new TextArea("Description");
        description.setId("new-pipeline-description");
        RadioButtonGroup<PipelineTemplate> template = new RadioButtonGroup<>("Start from");
        template.setId("new-pipeline-template");
        List<PipelineTemplate> choices = new ArrayList<>();
        choices.add(BLANK);
        choices.addAll(templates.all());
        template.setItems(choices);
        template.setItemLabelGenerator(t -> t.name() + " — " + t.description());
        template.addThemeVariants(RadioGroupVariant.LUMO_VERTICAL);
        template.setValue(choices.size() > 1 ? choices.get(1) : BLANK);
        // the name follows the chosen template until the user types their own
        boolean[] nameTyped = {false};
        name.addValueChangeListener(e -> nameTyped[0] |= e.isFromClient());
        template.addValueChangeListener(e -> {
            if (e.getValue() != null && !nameTyped[0]) {
                name.setValue(e.getValue() == BLANK ? "" : pipelines.freeName(e.getValue().name()));
            }
        });
        name.setValue(template.getValue() == BLANK ? "" : pipelines.freeName(template.getValue().name()));
        FormLayout form = new FormLayout(name, description, template);
        form.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1));
        dialog.add(form);
        Button create = new Button("Create and open", e -> {
            name.setInvalid(false);
            try {
                PipelineTemplate chosen = template.getValue() == null ? BLANK : template.getValue();
                PipelineSummary created = pipelines.create(name.getValue(), description.getValue(),
                        chosen.graph(), chosen == BLANK ? "Created" : "Created from template “" + chosen.name() + "”");
                dialog.close();
                getUI().ifPresent(ui -> ui.navigate(DesignerView.class, DesignerView.route(created.id())));
            } catch (InvalidRequestException ex) {
                name.setErrorMessage(ex.getMessage());
                name.setInvalid(true);
            }
        });
        create.setId("create-pipeline");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        dialog.getFooter().add(new Button("Cancel", e -> dialog.close()), create);
        dialog.open();
        name.focus();
    }

    private void openImportDialog() {
        Dialog dialog = new Dialog();
        dialog.setId("import-dialog");
        dialog.setHeaderTitle("Import a pipeline file");
        dialog.setWidth("min(640px, 95vw)");
        Paragraph hint = new Paragraph("A .json file exported from LLMOps Studio (schemaVersion 1). It becomes a new "
                + "pipeline; nothing existing is changed.");
        hint.addClassName("panel-hint");
        Div errors = new Div();
        errors.setId("import-errors");
        Upload upload = new Upload(UploadHandler.inMemory((metadata, bytes) -> {
            String fileName = metadata.fileName();
            String json = new String(bytes, StandardCharsets.UTF_8);
            dialog.getUI().ifPresent(ui -> ui.access(() -> {
                errors.removeAll();
                try {
                    String base = fileName.replaceFirst("(\\.pipeline)?\\.json$", "");
                    PipelineSummary created = pipelines.importJson(pipelines.freeName(base), json);
                    dialog.close();
                    Notifications.success("Imported “" + created.name() + "”");
                    ui.navigate(DesignerView.class, DesignerView.route(created.id()));
                } catch (InvalidPipelineFileException ex) {
                    errors.add(new Span("“" + fileName + "” is not a valid pipeline:"));
                    UnorderedList reasons = new UnorderedList();
                    ex.reasons().forEach(reason -> reasons.add(new ListItem(reason)));
                    errors.add(reasons);
                } catch (InvalidRequestException ex) {
                    errors.add(new Span(ex.getMessage()));
                }
            }));
        }));
        upload.setId("import-upload");
        upload.setAcceptedFileTypes("application/json", ".json");
        upload.setMaxFiles(1);
        upload.setMaxFileSize(5 * 1024 * 1024);
        upload.addFileRejectedListener(e -> {
            errors.removeAll();
            errors.add(new Span(e.getErrorMessage()));
        });
        errors.addClassName("import-errors");
        dialog.add(hint, upload, errors);
        dialog.getFooter().add(new Button("Close", e -> dialog.close()));
        dialog.open();
    }

    private static Button small(Button button) {
        button.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
        return button;
    }

}
