package dev.llmops.studio.serving;

import com.vaadin.flow.component.HasValue;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.theme.lumo.LumoUtility;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.platform.Notifications;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * How the endpoint serves, as one form saved at once. Not refreshed while shown, so a change made elsewhere
 * never overwrites what the user is typing; saving answers with what was stored.
 */
class SettingsPanel extends VerticalLayout {

    private final IntegerField minReplicas = integer("Min replicas", "settings-min-replicas", 1, 16,
            "Replicas kept running even when idle");
    private final IntegerField maxReplicas = integer("Max replicas", "settings-max-replicas", 1, 16,
            "The autoscaler adds replicas up to this under load");
    private final IntegerField batchSize = integer("Max batch size", "settings-batch-size", 1, 64,
            "Requests a replica generates together");
    private final IntegerField batchDelay = integer("Max batch delay (ms)", "settings-batch-delay", 0, 1000,
            "How long an idle replica waits for more requests to start a batch with");
    private final IntegerField maxTokens = integer("Max tokens per request", "settings-max-tokens", 1, 8192,
            "Requests asking for more are refused");
    /** In percent: whole numbers read better than fractions and step without rounding errors. */
    private final IntegerField rollbackErrorRate = integer("Canary rollback error rate (%)",
            "settings-rollback-error-rate", 1, 100, "A canary failing more than this share of its requests is"
                    + " rolled back automatically");
    private final Checkbox logRequests = new Checkbox("Log requests and answers");
    private final Checkbox redactPii = new Checkbox("Redact personal data (emails, phone numbers …) in the log");
    private final IntegerField retentionDays = integer("Keep the log (days)", "settings-retention-days", 1, 3650,
            null);
    private final Paragraph problems = new Paragraph();

    SettingsPanel(EndpointService endpoints, String endpoint, EndpointSettings settings, boolean canEdit,
            Consumer<EndpointInfo> saved) {
        setId("endpoint-settings");
        setPadding(false);
        logRequests.setId("settings-log-requests");
        redactPii.setId("settings-redact-pii");
        // redaction and retention concern the log only
        Runnable logOptions = () -> {
            redactPii.setEnabled(canEdit && logRequests.getValue());
            retentionDays.setEnabled(canEdit && logRequests.getValue());
        };
        logRequests.addValueChangeListener(e -> logOptions.run());
        FormLayout form = new FormLayout(minReplicas, maxReplicas, batchSize, batchDelay, maxTokens,
                rollbackErrorRate, logRequests, redactPii, retentionDays);
        form.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1), new FormLayout.ResponsiveStep("32em", 2));
        form.setMaxWidth("48rem");
        problems.setId("settings-problems");
        problems.addClassNames(LumoUtility.TextColor.ERROR, LumoUtility.FontSize.SMALL);
        problems.setVisible(false);
        add(form, problems);
        show(settings);
        logOptions.run();
        fields().forEach(field -> field.setReadOnly(!canEdit));
        if (canEdit) {
            Button save = new Button("Save settings", e -> {
                problems.setVisible(false);
                EndpointSettings edited = edited();
                List<String> found = edited == null ? List.of("Fill in every number.") : edited.problems();
                if (!found.isEmpty()) {
                    problems.setText(String.join(" ", found));
                    problems.setVisible(true);
                    return;
                }
                try {
                    EndpointInfo stored = endpoints.updateSettings(endpoint, edited);
                    show(stored.settings());
                    Notifications.success("Settings of " + endpoint + " saved");
                    saved.accept(stored);
                } catch (InvalidRequestException ex) {
                    problems.setText(ex.getMessage());
                    problems.setVisible(true);
                }
            });
            save.setId("settings-save");
            save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            add(save);
        } else {
            Paragraph readOnly = new Paragraph("Only ML engineers change how an endpoint serves.");
            readOnly.addClassName("panel-hint");
            add(readOnly);
        }
    }

    private void show(EndpointSettings settings) {
        minReplicas.setValue(settings.minReplicas());
        maxReplicas.setValue(settings.maxReplicas());
        batchSize.setValue(settings.maxBatchSize());
        batchDelay.setValue(settings.maxBatchDelayMs());
        maxTokens.setValue(settings.maxTokens());
        rollbackErrorRate.setValue((int) Math.round(settings.rollbackErrorRate() * 100));
        logRequests.setValue(settings.logRequests());
        redactPii.setValue(settings.redactPii());
        retentionDays.setValue(settings.logRetentionDays());
    }

    /** The settings as entered, or null while a number is missing. */
    private EndpointSettings edited() {
        if (Stream.of(minReplicas, maxReplicas, batchSize, batchDelay, maxTokens, rollbackErrorRate, retentionDays)
                .anyMatch(f -> f.getValue() == null)) {
            return null;
        }
        return new EndpointSettings(minReplicas.getValue(), maxReplicas.getValue(), batchSize.getValue(),
                batchDelay.getValue(), maxTokens.getValue(), rollbackErrorRate.getValue() / 100.0,
                logRequests.getValue(),
                redactPii.getValue(), retentionDays.getValue());
    }

    private Stream<HasValue<?, ?>> fields() {
        return Stream.of(minReplicas, maxReplicas, batchSize, batchDelay, maxTokens, rollbackErrorRate,
                logRequests, redactPii, retentionDays);
    }

    private static IntegerField integer(String label, String id, int min, int max, String helper) {
        IntegerField field = new IntegerField(label);
        field.setId(id);
        field.setMin(min);
        field.setMax(max);
        field.setStepButtonsVisible(true);
        if (helper != null) {
            field.setHelperText(helper);
        }
        return field;
    }
}
