package dev.llmops.studio.support;

import dev.llmops.studio.registry.ModelRegistryService;
import dev.llmops.studio.registry.ModelVersionInfo;
import dev.llmops.studio.registry.RegisteredModel;
import dev.llmops.studio.security.Role;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The model package a step of a run produced, as a user gets it: downloaded (decrypted) from the registry, since
 * the plaintext copy leaves the artifact store when its run ends.
 */
public final class RegisteredPackages {

    private RegisteredPackages() {
    }

    public static Path download(ModelRegistryService registry, long runId, String nodeId, Path target)
            throws Exception {
        String user = "package-reader";
        List<Role> roles = List.of(Role.ML_ENGINEER);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            Optional<ModelVersionInfo> version = SignedIn.as(user, roles, () -> find(registry, runId, nodeId));
            if (version.isPresent()) {
                try (InputStream in = SignedIn.as(user, roles,
                        () -> registry.download(version.get().modelName(), version.get().version()))) {
                    Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                return target;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no registered model from step " + nodeId + " of run " + runId);
            }
            Thread.sleep(100);
        }
    }

    private static Optional<ModelVersionInfo> find(ModelRegistryService registry, long runId, String nodeId) {
        for (RegisteredModel model : registry.list(null)) {
            for (ModelVersionInfo version : registry.versions(model.name())) {
                if (version.runId() != null && version.runId() == runId && nodeId.equals(version.nodeId())) {
                    return Optional.of(version);
                }
            }
        }
        return Optional.empty();
    }
}
