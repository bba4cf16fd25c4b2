package dev.llmops.studio.vault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.studio.support.H2Test;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/** The whole application: the vault is a bean, its key file exists owner-only, and models round-trip. */
@H2Test
class ModelVaultOnH2Test {

    @Autowired
    ModelVault vault;

    @Autowired
    MasterKeyRing keys;

    @Value("${studio.security.master-key-file}")
    Path keyFile;

    @Test
    void theServerEncryptsModelsWithItsOwnerOnlyKeyFile() throws IOException {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(MasterKeyFile.read(keyFile)).isEqualTo(keys.current());

        byte[] model = new byte[100_000];
        VaultRef ref = vault.put(new ByteArrayInputStream(model));
        try (InputStream in = vault.open(ref)) {
            assertThat(in.readAllBytes()).isEqualTo(model);
        }
        assertThat(vault.delete(ref)).isTrue();
    }
}
