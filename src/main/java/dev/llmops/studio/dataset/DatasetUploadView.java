package dev.llmops.studio.dataset;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.combobox.MultiSelectComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteParameters;
import com.vaadin.flow.server.streams.UploadHandler;
import dev.llmops.studio.platform.BackgroundWork;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.platform.Notifications;
import dev.llmops.studio.security.CurrentUser;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Upload a file as a dataset version: drop it (progress shown while it transfers), see its format and first rows,
 * map its columns, check it in full (rejected rows with line and column, personal data, the shape of the data),
 * choose the policies and create the version.
 */
@Route("datasets/upload")
@PageTitle("Upload dataset")
@RequiresPermission(Permission.DATASETS_EDIT)
public class DatasetUploadView extends VerticalLayout {

    private static final String NONE = "(none)";

    private final DatasetService datasets;
    private final boolean mayKeepPii;
    private final ComboBox<String> name = new ComboBox<>("Dataset");
    private final Div analysisArea = new Div();
    private final Div reportArea = new Div();
    private final ProgressBar progress = new ProgressBar();
    private final Span progressText = new Span();
    private Path uploaded;
    private String fileName;
    private UploadAnalysis analysis;
    private Select<String> prompt;
    private Select<String> response;
    private Select<String> text;
    private Select<String> label;
    private Select<String> id;
    private MultiSelectComboBox<String> attributes;
    private NumberField validation;
    private NumberField test;
    private IntegerField seed;
    private Checkbox dedupe;
    private RadioButtonGroup<PiiPolicy> pii;
    private TextField keepReason;
    private RadioButtonGroup<OnRowError> onError;
    private BackgroundWork.Handle running;
    /** Shown only while a check or a creation runs: it stops that job, nothing else. */
    private final Button cancel = new Button("Cancel", e -> {
        if (running != null) {
            running.cancel();
        }
    });

    DatasetUploadView(DatasetService datasets, CurrentUser currentUser) {
        this.datasets = datasets;
        this.mayKeepPii = currentUser.has(Permission.DATASETS_KEEP_PII);
        setId("dataset-upload-view");
        setMaxWidth("1100px");
        name.setId("dataset-name");
        name.setItems(datasets.list().stream().map(DatasetSummary::name).toList());
        name.setAllowCustomValue(true);
        name.addCustomValueSetListener(e -> name.setValue(e.getDetail()));
        name.setHelperText("An existing dataset gets a new version; a new name creates the dataset");
        name.setWidth("24rem");

        Upload upload = new Upload(UploadHandler.toTempFile((metadata, file) -> getUI().ifPresent(ui ->
                ui.access(() -> received(metadata.fileName(), file.toPath())))));
        upload.setId("dataset-file");
        upload.setMaxFiles(1);
        upload.setMaxFileSize(Integer.MAX_VALUE);
        upload.setDropLabel(new Span("Drop a CSV, JSONL or text file here (any size; it is read as a stream)"));
        upload.addFileRejectedListener(e -> Notifications.error(e.getErrorMessage()));

        progress.setIndeterminate(true);
        progress.setVisible(false);
        progress.setId("dataset-progress");
        progressText.setId("dataset-progress-text");
        add(name, upload, analysisArea, progress, progressText, reportArea);
        addDetachListener(this::discardUpload);
    }

    private void received(String name, Path file) {
        discardUpload(null);
        uploaded = file;
        fileName = name;
        reportArea.removeAll();
        analysisArea.removeAll();
        try {
            analysis = datasets.analyze(file, name);
        } catch (IOException | RuntimeException e) {
            analysisArea.add(new Paragraph("Cannot read “" + name + "”: " + e.getMessage()));
            return;
        }
        if (this.name.getValue() == null || this.name.getValue().isBlank()) {
            this.name.setValue(name.replaceFirst("\\.[^.]+$", "").replaceAll("[^A-Za-z0-9 ._-]", "-"));
        }
        analysisArea.add(describe(), preview(), mappingForm(), options(), buttons());
    }

    private Component describe() {
        String shape = analysis.format() == SourceFormat.CSV
                ? "CSV, delimiter “" + (analysis.delimiter() == '\t' ? "tab" : String.valueOf(analysis.delimiter()))
                        + "”, " + analysis.columns().size() + " columns"
                : analysis.format() == SourceFormat.JSONL ? "JSONL, " + analysis.jsonShape() + " shape"
                : "plain text, one example per line";
        Paragraph p = new Paragraph("“" + fileName + "”: " + shape + ". First rows:");
        p.setId("dataset-format");
        return p;
    }

    private Component preview() {
        Grid<Map<String, String>> grid = new Grid<>();
        grid.setId("dataset-preview");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        for (String column : keys()) {
            grid.addColumn(row -> row.getOrDefault(column, "")).setHeader(column).setResizable(true)
                    .setAutoWidth(true);
        }
        grid.setItems(analysis.preview());
        grid.setHeight("16rem");
        return grid;
    }

    /** CSV header names, or the keys of the previewed JSON objects. */
    private List<String> keys() {
        if (!analysis.columns().isEmpty()) {
            return analysis.columns();
        }
        Set<String> keys = new LinkedHashSet<>();
        analysis.preview().forEach(row -> keys.addAll(row.keySet()));
        return new ArrayList<>(keys);
    }

    private Component mappingForm() {
        ColumnMapping suggested = analysis.suggestedMapping();
        List<String> options = new ArrayList<>();
        options.add(NONE);
        options.addAll(keys());
        prompt = select("Prompt", "map-prompt", options, suggested.prompt());
        response = select("Response", "map-response", options, suggested.response());
        text = select("Text (no prompt/response)", "map-text", options, suggested.text());
        label = select("Label", "map-label", options, suggested.label());
        id = select("Id", "map-id", options, suggested.id());
        attributes = new MultiSelectComboBox<>("Group / sensitive attributes");
        attributes.setId("map-attributes");
        attributes.setItems(keys());
        attributes.select(suggested.attributes());
        boolean csv = analysis.format() == SourceFormat.CSV;
        prompt.setVisible(csv);
        response.setVisible(csv);
        text.setVisible(csv);
        HorizontalLayout row = new HorizontalLayout(prompt, response, text, label, id, attributes);
        row.setWrap(true);
        VerticalLayout form = new VerticalLayout(new H4("Column mapping"), row);
        form.setPadding(false);
        return form;
    }

    private Component options() {
        validation = new NumberField("Validation share");
        validation.setId("validation-share");
        validation.setValue(0.1);
        validation.setStep(0.05);
        validation.setMin(0);
        validation.setMax(0.5);
        test = new NumberField("Test share");
        test.setId("test-share");
        test.setValue(0.1);
        test.setStep(0.05);
        test.setMin(0);
        test.setMax(0.5);
        seed = new IntegerField("Split seed");
        seed.setId("split-seed");
        seed.setValue(42);
        dedupe = new Checkbox("Remove exact duplicates", true);
        dedupe.setId("dedupe");
        pii = new RadioButtonGroup<>("Personal data");
        pii.setId("pii-policy");
        pii.setItems(PiiPolicy.values());
        pii.setValue(PiiPolicy.REDACT);
        pii.setItemLabelGenerator(policy -> switch (policy) {
            case REDACT -> "Redact (<EMAIL>, <PHONE>, …)";
            case DROP -> "Drop rows that contain any";
            case KEEP -> mayKeepPii ? "Keep (needs a reason; audited)" : "Keep (admins only)";
        });
        pii.setItemEnabledProvider(policy -> policy != PiiPolicy.KEEP || mayKeepPii);
        keepReason = new TextField("Why keep personal data?");
        keepReason.setId("keep-reason");
        keepReason.setVisible(false);
        keepReason.setWidth("24rem");
        pii.addValueChangeListener(e -> keepReason.setVisible(e.getValue() == PiiPolicy.KEEP));
        onError = new RadioButtonGroup<>("Bad rows");
        onError.setId("on-error");
        onError.setItems(OnRowError.values());
        onError.setValue(OnRowError.SKIP_BAD_ROWS);
        onError.setItemLabelGenerator(choice -> choice == OnRowError.SKIP_BAD_ROWS ? "Skip them (listed in the report)"
                : "Reject the whole file");
        HorizontalLayout split = new HorizontalLayout(validation, test, seed, dedupe);
        split.setAlignItems(FlexComponent.Alignment.BASELINE);
        HorizontalLayout policies = new HorizontalLayout(pii, onError, keepReason);
        policies.setWrap(true);
        VerticalLayout box = new VerticalLayout(new H4("Version settings"), split, policies);
        box.setPadding(false);
        return box;
    }

    private Component buttons() {
        Button check = new Button("Check file", e -> check());
        check.setId("check-file");
        Button create = new Button("Create version", e -> create());
        create.setId("create-version");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        cancel.setId("cancel-work");
        cancel.setVisible(false);
        return new HorizontalLayout(check, create, cancel);
    }

    private VersionSettings settings() {
        return new VersionSettings(new ColumnMapping(value(prompt), value(response), value(text), value(label),
                value(id), List.copyOf(attributes.getSelectedItems())),
                validation.getValue() == null ? 0 : validation.getValue(), test.getValue() == null ? 0 : test.getValue(),
                seed.getValue() == null ? 42 : seed.getValue(), dedupe.getValue(), pii.getValue(), onError.getValue());
    }

    /** The form's settings, or empty (with the reason shown) when they are not valid. */
    private Optional<VersionSettings> validSettings() {
        try {
            return Optional.of(settings());
        } catch (InvalidRequestException e) {
            Notifications.error(e.getMessage());
            return Optional.empty();
        }
    }

    private void check() {
        VersionSettings settings = validSettings().orElse(null);
        if (settings == null) {
            return;
        }
        busy("Checking every row…");
        running = BackgroundWork.start(this, "dataset-check", handle -> datasets.inspect(uploaded, fileName,
                settings, progressOf(handle)), report -> {
                    idle();
                    reportArea.removeAll();
                    reportArea.add(new H4("Check of “" + fileName + "”"), new ReportPanel(report));
                }, this::failed);
    }

    private void create() {
        VersionSettings settings = validSettings().orElse(null);
        if (settings == null) {
            return;
        }
        String dataset = name.getValue();
        String reason = keepReason.getValue();
        busy("Creating the version…");
        running = BackgroundWork.start(this, "dataset-create", handle -> datasets.createVersion(dataset, uploaded,
                fileName, settings, reason, progressOf(handle)), version -> {
                    idle();
                    Notifications.success(version.datasetName() + " version " + version.version() + " created: "
                            + String.format("%,d", version.rows()) + " examples");
                    getUI().ifPresent(ui -> ui.navigate(DatasetView.class,
                            new RouteParameters("name", version.datasetName())));
                }, this::failed);
    }

    private void failed(Exception failure) {
        idle();
        if (failure instanceof DatasetRejectedException rejected) {
            reportArea.removeAll();
            Paragraph why = new Paragraph(rejected.getMessage());
            why.setId("dataset-rejected");
            reportArea.add(why, new ReportPanel(rejected.report()));
        } else if (failure instanceof InvalidRequestException invalid) {
            Notifications.error(invalid.getMessage());
        } else if (failure instanceof java.util.concurrent.CancellationException) {
            Notifications.error("Stopped; nothing was created.");
        } else {
            Notifications.error("Failed: " + failure.getMessage());
        }
    }

    /** The work's progress on the bar, pushed to the browser about a hundred times per job. */
    private WorkProgress progressOf(BackgroundWork.Handle handle) {
        UI ui = getUI().orElseThrow();
        return new WorkProgress() {
            @Override
            public boolean cancelled() {
                return handle.cancelled();
            }

            @Override
            public void fraction(double done) {
                ui.access(() -> {
                    progress.setIndeterminate(false);
                    progress.setValue(Math.min(1, done));
                });
            }
        };
    }

    private void busy(String what) {
        progress.setIndeterminate(true);
        progress.setVisible(true);
        cancel.setVisible(true);
        progressText.setText(what);
    }

    private void idle() {
        progress.setVisible(false);
        cancel.setVisible(false);
        progressText.setText("");
        running = null;
    }

    private void discardUpload(DetachEvent event) {
        if (uploaded != null) {
            try {
                Files.deleteIfExists(uploaded);
            } catch (IOException ignored) {
                // a temporary file; the OS cleans its temp folder
            }
            uploaded = null;
        }
    }

    private static Select<String> select(String label, String id, List<String> options, String value) {
        Select<String> select = new Select<>();
        select.setLabel(label);
        select.setId(id);
        select.setItems(options);
        select.setValue(value == null || !options.contains(value) ? NONE : value);
        return select;
    }

    private static String value(Select<String> select) {
        return select == null || select.getValue() == null || NONE.equals(select.getValue()) ? null
                : select.getValue();
    }
}
