package dev.llmops.studio.designer;

import com.vaadin.flow.component.AbstractField;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import dev.llmops.studio.pipeline.GraphNode;
import dev.llmops.studio.pipeline.NodeType;
import dev.llmops.studio.pipeline.ParamSpec;
import dev.llmops.studio.pipeline.ValidationIssue;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The form for one selected step, generated from its type's parameter schema: one field per parameter with
 * label, help and range; the server's validation messages appear under the fields they concern. With no step
 * selected it shows the pipeline's own settings (the cron schedule and when it fires next) above a hint.
 */
class PropertiesPanel extends VerticalLayout {

    /** Label changes use this pseudo-parameter name. */
    static final String LABEL = "__label";

    private static final DateTimeFormatter FIRE_TIME = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm:ss",
            Locale.ENGLISH);

    private final Map<String, HasValidation> fields = new HashMap<>();
    /** The schedule field and its "Next runs" line while the pipeline settings are shown, else null. */
    private TextField scheduleField;
    private Div nextRuns;

    PropertiesPanel() {
        setId("properties-panel");
        setPadding(true);
        setSpacing(false);
        showHint("Select a step on the canvas to see and edit its parameters.");
    }

    void showHint(String text) {
        clear();
        addHint(text);
    }

    /**
     * The pipeline's settings: its schedule (bound to the graph through {@code onScheduleChange}, which receives
     * the new expression or {@code null}) with the next fire times, then {@code hint}.
     */
    void showPipelineSettings(String schedule, boolean readOnly, Consumer<String> onScheduleChange, String hint) {
        clear();
        H3 title = new H3("Pipeline settings");
        title.addClassName("panel-title");
        add(title);

        scheduleField = new TextField("Schedule (cron, UTC)");
        scheduleField.setId("pipeline-schedule");
        scheduleField.setPlaceholder("0 0 3 * * ?");
        scheduleField.setHelperText("Starts the saved version on a Quartz cron expression with seconds: second,"
                + " minute, hour, day of month, month, day of week (e.g. “0 0 3 * * ?” is 03:00 UTC daily). Leave"
                + " empty for no schedule. Takes effect when saved.");
        scheduleField.setWidthFull();
        scheduleField.setValue(schedule == null ? "" : schedule);
        scheduleField.setReadOnly(readOnly);
        scheduleField.setClearButtonVisible(!readOnly);
        scheduleField.setValueChangeMode(ValueChangeMode.ON_CHANGE);
        scheduleField.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                String value = e.getValue().trim();
                onScheduleChange.accept(value.isEmpty() ? null : value);
            }
        });
        nextRuns = new Div();
        nextRuns.setId("next-runs");
        nextRuns.addClassName("panel-hint");
        add(scheduleField, nextRuns);
        addHint(hint);
    }

    /**
     * Updates the schedule's error (null for none) and next fire times (empty when not scheduled) in place, when
     * the pipeline settings are shown.
     */
    void showSchedule(String error, Optional<List<ZonedDateTime>> next) {
        if (scheduleField == null) {
            return;
        }
        scheduleField.setErrorMessage(error);
        scheduleField.setInvalid(error != null);
        nextRuns.setText(next.filter(times -> !times.isEmpty())
                .map(times -> "Next runs: " + times.stream().map(FIRE_TIME::format).collect(Collectors.joining(", "))
                        + " (UTC)")
                .orElse("Not scheduled"));
    }

    private void clear() {
        removeAll();
        fields.clear();
        scheduleField = null;
        nextRuns = null;
    }

    private void addHint(String text) {
        Paragraph hint = new Paragraph(text);
        hint.addClassName("panel-hint");
        add(hint);
    }

    void show(NodeType type, GraphNode node, List<ValidationIssue> issues, boolean readOnly,
            BiConsumer<String, Object> onChange) {
        clear();
        H3 title = new H3(type.name());
        title.addClassName("panel-title");
        Paragraph description = new Paragraph(type.description());
        description.addClassName("panel-hint");
        add(title, description);

        TextField label = new TextField("Step name");
        label.setId("param-" + LABEL);
        label.setWidthFull();
        label.setValue(node.label());
        label.setReadOnly(readOnly);
        label.setValueChangeMode(ValueChangeMode.ON_BLUR);
        label.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                onChange.accept(LABEL, e.getValue());
            }
        });
        add(label);

        for (ParamSpec spec : type.params()) {
            Component field = field(spec, node.params().get(spec.name()), readOnly, onChange);
            field.setId("param-" + spec.name());
            add(field);
        }
        Div resources = new Div(new Span("Needs " + type.resources().cpuCores() + " CPU cores, "
                + type.resources().gpus() + " GPUs, " + type.resources().memoryMb() + " MB memory"));
        resources.addClassName("panel-hint");
        add(resources);
        showIssues(issues);
    }

    /** Marks the fields that validation complains about; clears the others. */
    void showIssues(List<ValidationIssue> issues) {
        fields.values().forEach(field -> field.setInvalid(false));
        for (ValidationIssue issue : issues) {
            HasValidation field = issue.field() == null ? null : fields.get(issue.field());
            if (field != null) {
                field.setErrorMessage(issue.message());
                field.setInvalid(true);
            }
        }
    }

    private Component field(ParamSpec spec, Object value, boolean readOnly, BiConsumer<String, Object> onChange) {
        String label = spec.label() + (spec.min() != null || spec.max() != null ? " " + range(spec) : "");
        AbstractField<?, ?> field = switch (spec.type()) {
            case INT -> {
                IntegerField f = new IntegerField(label);
                f.setStepButtonsVisible(true);
                if (value instanceof Number n) {
                    f.setValue(n.intValue());
                }
                f.setValueChangeMode(ValueChangeMode.ON_CHANGE);
                yield f;
            }
            case FLOAT -> {
                NumberField f = new NumberField(label);
                if (value instanceof Number n) {
                    f.setValue(n.doubleValue());
                }
                f.setValueChangeMode(ValueChangeMode.ON_CHANGE);
                yield f;
            }
            case BOOL -> {
                Checkbox f = new Checkbox(spec.label());
                f.setValue(Boolean.TRUE.equals(value));
                yield f;
            }
            case ENUM -> {
                Select<String> f = new Select<>();
                f.setLabel(label);
                f.setItems(spec.options());
                f.setValue(value == null ? null : String.valueOf(value));
                yield f;
            }
            case TEXT -> {
                TextArea f = new TextArea(label);
                f.setValue(value == null ? "" : String.valueOf(value));
                f.setValueChangeMode(ValueChangeMode.ON_BLUR);
                f.setMinHeight("6em");
                yield f;
            }
            case STRING, CRON -> {
                TextField f = new TextField(label);
                f.setValue(value == null ? "" : String.valueOf(value));
                f.setValueChangeMode(ValueChangeMode.ON_BLUR);
                if (spec.type() == dev.llmops.studio.pipeline.ParamType.CRON) {
                    f.setPlaceholder("0 0 3 * * ?");
                }
                yield f;
            }
        };
        field.setReadOnly(readOnly);
        if (field instanceof com.vaadin.flow.component.HasHelper helper && spec.help() != null) {
            helper.setHelperText(spec.help());
        }
        if (field instanceof com.vaadin.flow.component.HasSize sized) {
            sized.setWidthFull();
        }
        field.setRequiredIndicatorVisible(spec.required());
        field.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                Object newValue = e.getValue();
                onChange.accept(spec.name(), newValue instanceof String s && s.isEmpty() ? null : newValue);
            }
        });
        if (field instanceof HasValidation validation) {
            fields.put(spec.name(), validation);
        }
        return field;
    }

    private static String range(ParamSpec spec) {
        return "(" + (spec.min() == null ? "…" : number(spec.min())) + " – "
                + (spec.max() == null ? "…" : number(spec.max())) + ")";
    }

    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e9 ? String.valueOf((long) value)
                : String.valueOf(value);
    }
}
