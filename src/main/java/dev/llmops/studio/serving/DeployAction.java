package dev.llmops.studio.serving;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.icon.VaadinIcon;
import dev.llmops.studio.registry.ModelVersionActions;
import dev.llmops.studio.registry.ModelVersionInfo;
import dev.llmops.studio.security.CurrentUser;
import dev.llmops.studio.security.Permission;
import java.util.List;

/** The Deploy button beside a model version on the model screen, for those who may deploy. */
@org.springframework.stereotype.Component
class DeployAction implements ModelVersionActions {

    private final EndpointService endpoints;
    private final CurrentUser currentUser;

    DeployAction(EndpointService endpoints, CurrentUser currentUser) {
        this.endpoints = endpoints;
        this.currentUser = currentUser;
    }

    @Override
    public List<Component> actionsFor(ModelVersionInfo version) {
        if (!currentUser.has(Permission.ENDPOINTS_DEPLOY)) {
            return List.of();
        }
        Button deploy = new Button("Deploy", VaadinIcon.ROCKET.create(), e -> new DeployDialog(endpoints, version)
                .open());
        deploy.setId("deploy-button");
        deploy.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        return List.of(deploy);
    }
}
