package dev.llmops.studio.serving;

import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.RouteParameters;
import com.vaadin.flow.theme.lumo.LumoUtility;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.platform.NotFoundException;
import dev.llmops.studio.platform.Notifications;
import dev.llmops.studio.registry.ModelVersionInfo;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Deploys a model version with one click: everything is filled in (the endpoint named after the model, so the
 * next version of the same model rolls out onto the same endpoint; the endpoint's replica counts or the
 * defaults; no canary), and the dialog says what deploying will do to what the endpoint serves now.
 */
class DeployDialog extends Dialog {

    private final EndpointService endpoints;
    private final ModelVersionInfo version;
    private final TextField endpoint = new TextField("Endpoint");
    private final IntegerField minReplicas = new IntegerField("Min replicas");
    private final IntegerField maxReplicas = new IntegerField("Max replicas");
    private final IntegerField canary = new IntegerField("Canary traffic");
    private final Paragraph effect = new Paragraph();
    private final Paragraph problems = new Paragraph();
    private Optional<EndpointInfo> existing = Optional.empty();

    DeployDialog(EndpointService endpoints, ModelVersionInfo version) {
        this.endpoints = endpoints;
        this.version = version;
        setId("deploy-dialog");
        setHeaderTitle("Deploy " + version.label());
        setWidth("34rem");

        endpoint.setId("deploy-endpoint");
        endpoint.setHelperText("Clients send it as the model; lower-case letters, digits and dashes");
        endpoint.setValueChangeMode(ValueChangeMode.LAZY);
        endpoint.addValueChangeListener(e -> lookUp());
        minReplicas.setId("deploy-min-replicas");
        maxReplicas.setId("deploy-max-replicas");
        for (IntegerField replicas : List.of(minReplicas, maxReplicas)) {
            replicas.setMin(1);
            replicas.setMax(16);
            replicas.setStepButtonsVisible(true);
        }
        maxReplicas.setHelperText("The autoscaler adds replicas up to this under load");
        canary.setId("deploy-canary");
        canary.setMin(0);
        canary.setMax(99);
        canary.setValue(0);
        canary.setStepButtonsVisible(true);
        canary.setSuffixComponent(new Span("%"));
        canary.setHelperText("0 replaces the current version once this one is ready; 1–99 sends that share of the"
                + " traffic to this one, to promote or roll back later");
        canary.addValueChangeListener(e -> describe());
        effect.setId("deploy-effect");
        effect.addClassName("panel-hint");
        problems.setId("deploy-problems");
        problems.addClassNames(LumoUtility.TextColor.ERROR, LumoUtility.FontSize.SMALL);
        problems.setVisible(false);

        FormLayout form = new FormLayout(endpoint, minReplicas, maxReplicas, canary);
        form.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 2));
        form.setColspan(endpoint, 2);
        form.setColspan(canary, 2);
        add(form, effect, problems);

        Button deploy = new Button("Deploy", VaadinIcon.ROCKET.create(), e -> deploy());
        deploy.setId("deploy-confirm");
        deploy.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        deploy.addClickShortcut(Key.ENTER);
        Button cancel = new Button("Cancel", e -> close());
        getFooter().add(cancel, deploy);

        endpoint.setValue(endpointName(version.modelName()));
        lookUp();
        addOpenedChangeListener(e -> {
            if (e.isOpened()) {
                deploy.focus();
            }
        });
    }

    /**
     * A valid endpoint name from a model name: "Support Bot_v2" → "support-bot-v2", "Modèle" → "modele" (lower
     * case without accents, anything else than letters and digits as one dash, at most 63 characters).
     */
    static String endpointName(String modelName) {
        String name = Normalizer.normalize(modelName, Normalizer.Form.NFD).replaceAll("\\p{M}", "")
                .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (name.length() > 63) {
            name = name.substring(0, 63).replaceAll("-+$", "");
        }
        return name.isEmpty() ? "model" : name;
    }

    /** The endpoint as it is now, if it exists: its replica counts become the defaults here. */
    private void lookUp() {
        String name = endpoint.getValue().trim();
        existing = EndpointService.NAME.matcher(name).matches() ? endpoints.find(name) : Optional.empty();
        EndpointSettings settings = existing.map(EndpointInfo::settings).orElse(EndpointSettings.defaults());
        minReplicas.setValue(settings.minReplicas());
        maxReplicas.setValue(settings.maxReplicas());
        boolean canCanary = existing.filter(e -> !e.stopped()).flatMap(EndpointInfo::stable).isPresent();
        canary.setEnabled(canCanary);
        if (!canCanary) {
            canary.setValue(0);
        }
        describe();
    }

    private void describe() {
        String name = endpoint.getValue().trim();
        if (existing.isEmpty()) {
            effect.setText("Creates the endpoint " + name + ". Its replicas start on workers; it answers once one"
                    + " is ready.");
            return;
        }
        EndpointInfo current = existing.get();
        Optional<DeploymentInfo> stable = current.stable();
        int percent = canary.getValue() == null ? 0 : canary.getValue();
        if (current.stopped() || stable.isEmpty()) {
            effect.setText("The endpoint " + name + " serves nothing now; " + version.label() + " starts on it.");
        } else if (stable.get().modelVersionId() == version.id() && current.deployments().size() == 1) {
            effect.setText(name + " already serves " + version.label() + "; deploying applies the replica counts.");
        } else if (percent > 0) {
            effect.setText(version.label() + " starts beside " + stable.get().label() + " on " + name + " and takes "
                    + percent + " % of the traffic once ready; " + stable.get().label() + " keeps the rest.");
        } else {
            effect.setText(version.label() + " starts beside " + stable.get().label() + " on " + name + " and takes"
                    + " all traffic once ready: no downtime.");
        }
    }

    private void deploy() {
        endpoint.setInvalid(false);
        problems.setVisible(false);
        if (minReplicas.getValue() == null || maxReplicas.getValue() == null || canary.getValue() == null) {
            show(List.of("Fill in the replica counts and the canary share (0 for none)."));
            return;
        }
        EndpointSettings settings = existing.map(EndpointInfo::settings).orElse(EndpointSettings.defaults())
                .withReplicas(minReplicas.getValue(), maxReplicas.getValue());
        List<String> found = new ArrayList<>(settings.problems());
        if (!found.isEmpty()) {
            show(found);
            return;
        }
        String name = endpoint.getValue().trim();
        try {
            endpoints.deploy(new DeployCommand(name, version.modelName(), version.version(), canary.getValue(),
                    settings));
        } catch (InvalidRequestException e) {
            if ("endpoint".equals(e.field())) {
                endpoint.setErrorMessage(e.getMessage());
                endpoint.setInvalid(true);
            } else {
                show(List.of(e.getMessage()));
            }
            return;
        } catch (NotFoundException e) {
            show(List.of(e.getMessage()));
            return;
        }
        UI ui = UI.getCurrent();
        close();
        Notifications.success("Deploying " + version.label() + " to " + name);
        ui.navigate(EndpointView.class, new RouteParameters("name", name));
    }

    private void show(List<String> messages) {
        problems.setText(String.join(" ", messages));
        problems.setVisible(true);
    }
}
