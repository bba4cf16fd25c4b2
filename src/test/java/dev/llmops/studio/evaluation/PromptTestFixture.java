package dev.llmops.studio.evaluation;

import dev.llmops.studio.model.ServingTestModels;
import dev.llmops.studio.registry.ModelRegistryService;
import dev.llmops.studio.registry.ModelVersionInfo;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.serving.DeployCommand;
import dev.llmops.studio.serving.EndpointInfo;
import dev.llmops.studio.serving.EndpointService;
import dev.llmops.studio.serving.EndpointStatus;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.support.Users;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.springframework.context.ApplicationContext;

/**
 * The trained tiny test model registered and served, as an ML engineer, for the prompt test tests: it answers
 * {@link ServingTestModels#CHATS} word for word at temperature 0, so which assertions pass is known.
 */
final class PromptTestFixture {

    final String engineer;
    private final ModelRegistryService registry;
    private final EndpointService endpoints;

    PromptTestFixture(ApplicationContext context) {
        this.registry = context.getBean(ModelRegistryService.class);
        this.endpoints = context.getBean(EndpointService.class);
        this.engineer = context.getBean(Users.class).create("prompt-tester", Role.ML_ENGINEER);
    }

    ModelVersionInfo register(String modelName, Path modelPackage) {
        return as(() -> registry.importHuggingFace(modelName, modelPackage, modelPackage.getFileName().toString()));
    }

    /** A new endpoint serving the trained model, once it answers. */
    String servedEndpoint(String stem, ModelVersionInfo version) {
        String endpoint = Users.uniqueName(stem).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        as(() -> endpoints.deploy(new DeployCommand(endpoint, version.modelName(), version.version(), 0, null)));
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            EndpointInfo info = as(() -> endpoints.get(endpoint));
            if (info.status() == EndpointStatus.READY && info.readyReplicas() > 0) {
                return endpoint;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("endpoint " + endpoint + " did not become ready: " + info);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    <T> T as(Callable<T> action) {
        return SignedIn.as(engineer, List.of(Role.ML_ENGINEER), action);
    }
}
