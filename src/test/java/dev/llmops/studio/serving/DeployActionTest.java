package dev.llmops.studio.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import dev.llmops.studio.registry.ModelVersionActions;
import dev.llmops.studio.registry.ModelVersionInfo;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.SignedIn;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Serving offers its Deploy button to the model screen through the registry's {@link ModelVersionActions}, so
 * the registry never depends on serving; only those who may deploy get it.
 */
@H2Test
class DeployActionTest {

    @Autowired
    List<ModelVersionActions> versionActions;

    private final ModelVersionInfo version = new ModelVersionInfo(1, "Support Bot_v2", 3, "sha256:00", 1,
            "studio-llama", 1, "none", "lora", "RUN", 1L, "train", "Fine-tune", null, null,
            JsonNodeFactory.instance.objectNode(), null, "someone", OffsetDateTime.now(), List.of());

    @Test
    void engineersGetADeployButtonOnEveryModelVersion() {
        List<Component> actions = SignedIn.as("engineer", List.of(Role.ML_ENGINEER), () -> versionActions.stream()
                .flatMap(feature -> feature.actionsFor(version).stream()).toList());

        assertThat(actions).hasSize(1);
        assertThat(actions.get(0)).isInstanceOf(Button.class);
        assertThat(actions.get(0).getId()).hasValue("deploy-button");
        assertThat(((Button) actions.get(0)).getText()).isEqualTo("Deploy");
    }

    @Test
    void whoMayNotDeployGetsNoButton() {
        for (Role role : List.of(Role.DOMAIN_EXPERT, Role.REVIEWER, Role.VIEWER, Role.ADMIN)) {
            assertThat(SignedIn.as("user", List.of(role), () -> versionActions.stream()
                    .flatMap(feature -> feature.actionsFor(version).stream()).toList())).as(role.name()).isEmpty();
        }
    }

    @Test
    void theEndpointIsNamedAfterTheModelInTheFormEndpointsTake() {
        assertThat(DeployDialog.endpointName("Support Bot_v2")).isEqualTo("support-bot-v2");
        assertThat(DeployDialog.endpointName("support-model")).isEqualTo("support-model");
        assertThat(DeployDialog.endpointName("  Modèle ★ Ünïcode  ")).isEqualTo("modele-unicode");
        assertThat(DeployDialog.endpointName("★")).isEqualTo("model");
        assertThat(DeployDialog.endpointName("x".repeat(70) + "-y")).hasSize(63);
        assertThat(List.of("Support Bot_v2", "a--b", "x".repeat(62) + "-yy")).allSatisfy(name -> assertThat(
                EndpointService.NAME.matcher(DeployDialog.endpointName(name)).matches()).as(name).isTrue());
    }
}
