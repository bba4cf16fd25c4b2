package dev.llmops.studio.registry;

import dev.llmops.studio.artifact.ArtifactRef;
import dev.llmops.studio.artifact.ArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import org.springframework.stereotype.Component;

/** Interim store until the encrypted vault lands: the package as it is in the artifact store. */
@Component
class ArtifactModelFiles implements ModelFiles {

    private final ArtifactStore artifacts;

    ArtifactModelFiles(ArtifactStore artifacts) {
        this.artifacts = artifacts;
    }

    @Override
    public String put(Path plainPackage) throws IOException {
        return artifacts.put(plainPackage).toString();
    }

    @Override
    public InputStream open(String storedRef) throws IOException {
        return artifacts.open(ArtifactRef.parse(storedRef));
    }

    @Override
    public void delete(String storedRef) {
        // the artifact store's copy belongs to the run that made it
    }

    @Override
    public boolean encrypted() {
        return false;
    }
}
