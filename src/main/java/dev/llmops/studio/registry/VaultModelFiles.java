package dev.llmops.studio.registry;

import dev.llmops.studio.vault.ModelVault;
import dev.llmops.studio.vault.VaultRef;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.stereotype.Component;

/** Registered packages live in the vault: AES-256-GCM, a data key per file wrapped by the master key. */
@Component
class VaultModelFiles implements ModelFiles {

    private final ModelVault vault;

    VaultModelFiles(ModelVault vault) {
        this.vault = vault;
    }

    @Override
    public String put(Path plainPackage) throws IOException {
        try (InputStream in = Files.newInputStream(plainPackage)) {
            return vault.put(in).toString();
        }
    }

    @Override
    public InputStream open(String storedRef) throws IOException {
        return vault.open(VaultRef.parse(storedRef));
    }

    @Override
    public void delete(String storedRef) throws IOException {
        vault.delete(VaultRef.parse(storedRef));
    }
}
