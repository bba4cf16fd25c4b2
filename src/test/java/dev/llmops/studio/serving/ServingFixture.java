package dev.llmops.studio.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.studio.model.ServingTestModels;
import dev.llmops.studio.registry.ModelRegistryService;
import dev.llmops.studio.registry.ModelVersionInfo;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.support.Users;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/** Registers test models and deploys them, as an ML engineer, for the serving tests. */
final class ServingFixture {

    private final ModelRegistryService registry;
    private final EndpointService endpoints;
    final String engineer;

    ServingFixture(ModelRegistryService registry, EndpointService endpoints, Users users) {
        this.registry = registry;
        this.endpoints = endpoints;
        this.engineer = users.create("serving-engineer", Role.ML_ENGINEER);
    }

    ModelVersionInfo register(String modelName, Path modelPackage) {
        return as(() -> registry.importHuggingFace(modelName, modelPackage, modelPackage.getFileName().toString()));
    }

    ModelVersionInfo registerTrained(String modelName) {
        return register(modelName, ServingTestModels.trainedTinyPackage());
    }

    EndpointInfo deploy(String endpoint, ModelVersionInfo version, int canaryPercent, EndpointSettings settings) {
        return as(() -> endpoints.deploy(new DeployCommand(endpoint, version.modelName(), version.version(),
                canaryPercent, settings)));
    }

    String key(String endpoint, Integer requestsPerMinute, Integer tokensPerMinute) {
        return as(() -> endpoints.createKey(endpoint, "test key", requestsPerMinute, tokensPerMinute)).secret();
    }

    EndpointInfo get(String endpoint) {
        return as(() -> endpoints.get(endpoint));
    }

    List<EndpointEvent> events(String endpoint) {
        return as(() -> endpoints.events(endpoint, 100));
    }

    /** Waits until the endpoint matches, failing with its state and activity when it does not in time. */
    EndpointInfo await(String endpoint, Duration timeout, Predicate<EndpointInfo> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            EndpointInfo info = get(endpoint);
            if (condition.test(info)) {
                return info;
            }
            if (System.nanoTime() > deadline) {
                assertThat(info).as("endpoint %s; activity %s", endpoint, events(endpoint)).matches(condition);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    EndpointInfo awaitServing(String endpoint, ModelVersionInfo version) {
        return await(endpoint, Duration.ofSeconds(90), info -> info.status() == EndpointStatus.READY
                && info.deployments().size() == 1 && info.deployments().get(0).modelVersionId() == version.id()
                && info.deployments().get(0).state() == DeploymentState.ACTIVE);
    }

    <T> T as(Callable<T> action) {
        return SignedIn.as(engineer, List.of(Role.ML_ENGINEER), action);
    }
}
