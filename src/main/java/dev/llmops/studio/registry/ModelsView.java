package dev.llmops.studio.registry;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteParameters;
import com.vaadin.flow.server.streams.UploadHandler;
import dev.llmops.studio.platform.BackgroundWork;
import dev.llmops.studio.platform.Notifications;
import dev.llmops.studio.security.CurrentUser;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import java.nio.file.Files;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Every registered model with its newest version and aliases; search by name. */
@Route("models")
@PageTitle("Models")
@Menu(order = 17, icon = "vaadin:cube", title = "Models")
@RequiresPermission(Permission.MODELS_VIEW)
public class ModelsView extends VerticalLayout {

    static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private final ModelRegistryService registry;

    ModelsView(ModelRegistryService registry, CurrentUser currentUser) {
        this.registry = registry;
        setId("models-view");
        setSizeFull();
        TextField search = new TextField();
        search.setId("model-search");
        search.setPlaceholder("Search models");
        search.setPrefixComponent(VaadinIcon.SEARCH.create());
        search.setClearButtonVisible(true);
        search.setWidth("24em");
        search.setValueChangeMode(ValueChangeMode.LAZY);
        Paragraph hint = new Paragraph("Every model a pipeline trains or quantizes is registered here as a new"
                + " version, with where it came from and how it scores. Weights are stored encrypted.");
        hint.addClassName("panel-hint");

        Grid<RegisteredModel> grid = new Grid<>(RegisteredModel.class, false);
        grid.setId("models-grid");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.addColumn(RegisteredModel::name).setHeader("Model").setFlexGrow(1);
        grid.addColumn(m -> "v" + m.latestVersion()).setHeader("Latest").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(RegisteredModel::versions).setHeader("Versions").setAutoWidth(true).setFlexGrow(0);
        grid.addComponentColumn(ModelsView::aliases).setHeader("Aliases").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(m -> m.updatedAt() == null ? "" : WHEN.format(m.updatedAt().atZoneSameInstant(ZoneOffset.UTC))
                + " UTC").setHeader("Updated").setAutoWidth(true).setFlexGrow(0);
        grid.addItemClickListener(e -> getUI().ifPresent(ui -> ui.navigate(ModelView.class,
                new RouteParameters("name", e.getItem().name()))));
        Div empty = new Div(new Paragraph("No models yet. Run a pipeline with a Fine-tune step (the “Fine-tune and"
                + " deploy” template trains one in minutes: select its Fine-tune step and press Run to here);"
                + " its model appears here."));
        empty.addClassName("empty-state");
        grid.setEmptyStateComponent(empty);
        grid.setItems(registry.list(null));
        grid.setSizeFull();
        search.addValueChangeListener(e -> grid.setItems(registry.list(e.getValue())));
        HorizontalLayout bar = new HorizontalLayout(search);
        if (currentUser.has(Permission.MODELS_EDIT)) {
            Button importButton = new Button("Import Hugging Face model", VaadinIcon.UPLOAD.create(),
                    e -> openImport());
            importButton.setId("import-model");
            bar.add(importButton);
        }
        add(bar, hint, grid);
    }

    /** A zip of a Hugging Face Llama-family folder becomes a version of the named model, once it loads here. */
    private void openImport() {
        Dialog dialog = new Dialog();
        dialog.setId("import-model-dialog");
        dialog.setHeaderTitle("Import a Hugging Face model");
        Paragraph explain = new Paragraph("Zip the model's folder (config.json, the .safetensors files or a sharded"
                + " index, tokenizer.json) and drop it here. Llama-family models (Llama, SmolLM, TinyLlama) load;"
                + " nothing is downloaded.");
        TextField name = new TextField("Registered model name");
        name.setId("import-model-name");
        name.setWidthFull();
        Paragraph status = new Paragraph();
        status.setId("import-model-status");
        Upload upload = new Upload(UploadHandler.toTempFile((metadata, file) -> getUI().ifPresent(ui -> ui.access(
                () -> {
                    String modelName = name.getValue().isBlank()
                            ? metadata.fileName().replaceAll("\\.zip$", "") : name.getValue();
                    status.setText("Checking every tensor of " + metadata.fileName() + " …");
                    BackgroundWork.start(this, "model-import", handle -> {
                        try {
                            return registry.importHuggingFace(modelName, file.toPath(), metadata.fileName());
                        } finally {
                            Files.deleteIfExists(file.toPath());
                        }
                    }, imported -> {
                        dialog.close();
                        Notifications.success("Imported as " + imported.label());
                        getUI().ifPresent(u -> u.navigate(ModelView.class,
                                new RouteParameters("name", imported.modelName())));
                    }, failure -> status.setText("Not imported: " + failure.getMessage()));
                }))));
        upload.setId("import-model-file");
        upload.setMaxFiles(1);
        upload.setMaxFileSize(Integer.MAX_VALUE);
        upload.setAcceptedFileTypes(".zip", "application/zip");
        dialog.add(explain, name, upload, status);
        dialog.getFooter().add(new Button("Close", e -> dialog.close()));
        dialog.setWidth("36rem");
        dialog.open();
    }

    static HorizontalLayout aliases(RegisteredModel model) {
        HorizontalLayout badges = new HorizontalLayout();
        badges.setSpacing(false);
        badges.getStyle().set("gap", "var(--lumo-space-xs)");
        model.aliases().forEach((alias, version) -> badges.add(badge(alias + " → v" + version, alias)));
        return badges;
    }

    static Span badge(String text, String alias) {
        Span badge = new Span(text);
        badge.getElement().getThemeList().add("badge pill " + (alias.equals(ModelRegistryService.PRODUCTION)
                ? "success primary" : alias.equals(ModelRegistryService.CANDIDATE) ? "contrast" : ""));
        return badge;
    }
}
