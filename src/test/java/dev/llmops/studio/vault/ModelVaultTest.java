package dev.llmops.studio.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.studio.platform.NotFoundException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class ModelVaultTest {

    @TempDir
    Path folder;

    private final MasterKey master = MasterKey.generate();

    @Test
    void storesOpensSizesAndDeletes() throws IOException {
        ModelVault vault = new ModelVault(new EncryptedFiles(MasterKeyRing.of(master)), folder.resolve("vault"));
        byte[] model = random(2_500_000);

        VaultRef ref = vault.put(new ByteArrayInputStream(model));

        assertThat(VaultRef.parse(ref.toString())).isEqualTo(ref);
        assertThat(vault.exists(ref)).isTrue();
        assertThat(vault.size(ref)).isEqualTo(model.length);
        try (InputStream in = vault.open(ref)) {
            assertThat(in.readAllBytes()).isEqualTo(model);
        }
        assertThat(vault.delete(ref)).isTrue();
        assertThat(vault.exists(ref)).isFalse();
        assertThat(vault.delete(ref)).isFalse();
        assertThatThrownBy(() -> vault.open(ref)).isInstanceOf(NotFoundException.class)
                .hasMessageContaining(ref.toString());
    }

    @Test
    void aPackageCanBeZippedStraightIntoTheVault() throws IOException {
        ModelVault vault = new ModelVault(new EncryptedFiles(MasterKeyRing.of(master)), folder.resolve("vault"));
        VaultRef ref = vault.write(out -> {
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                zip.putNextEntry(new ZipEntry("config.json"));
                zip.write("{\"hidden_size\":64}".getBytes());
                zip.closeEntry();
            }
        });
        try (ZipInputStream zip = new ZipInputStream(vault.open(ref))) {
            assertThat(zip.getNextEntry().getName()).isEqualTo("config.json");
            assertThat(new String(zip.readAllBytes())).isEqualTo("{\"hidden_size\":64}");
        }
    }

    @Test
    void aModifiedModelFileIsReportedAsSuch() throws IOException {
        ModelVault vault = new ModelVault(new EncryptedFiles(MasterKeyRing.of(master)), folder.resolve("vault"));
        VaultRef ref = vault.put(new ByteArrayInputStream(random(3 << 20)));
        Path file;
        try (var files = Files.walk(vault.root())) {
            file = files.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(file);
        int segment = EncryptedFiles.DEFAULT_SEGMENT_SIZE;
        bytes[FileHeader.LENGTH + 2 * (segment + FileHeader.TAG_BYTES) + 100] ^= 1;
        Files.write(file, bytes);

        try (InputStream in = vault.open(ref)) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(EncryptedFileException.class)
                    .hasMessage("model file " + ref + " was modified or truncated (authentication failed at segment 3, "
                            + "content bytes from " + 2 * segment + ")");
        }
    }

    @Test
    void abandonedPartialFilesAreSweptAtStart() throws IOException {
        Path root = folder.resolve("vault");
        Files.createDirectories(root.resolve("ab"));
        Path old = Files.createFile(root.resolve("ab/abc.enc.0123.part"));
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path recent = Files.createFile(root.resolve("ab/abd.enc.4567.part"));

        new ModelVault(new EncryptedFiles(MasterKeyRing.of(master)), root);

        assertThat(old).doesNotExist();
        assertThat(recent).as("may still be being written").exists();
    }

    @Test
    void theSpringWiringGeneratesAnOwnerOnlyKeyOnFirstStart() {
        Path keyFile = folder.resolve("data/master.key");
        Path vaultDir = folder.resolve("data/vault");
        new ApplicationContextRunner()
                .withUserConfiguration(VaultConfiguration.class, ModelVault.class)
                .withPropertyValues("studio.security.master-key-file=" + keyFile, "studio.vault.dir=" + vaultDir)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
                            .isEqualTo("rw-------");
                    ModelVault vault = context.getBean(ModelVault.class);
                    VaultRef ref = vault.put(new ByteArrayInputStream(new byte[] {1, 2, 3}));
                    assertThat(EncryptedFiles.masterKeyId(vaultDir.resolve(ref.id().substring(0, 2))
                            .resolve(ref.id() + ".enc"))).isEqualTo(MasterKeyFile.read(keyFile).id());
                });
    }

    @Test
    void aLooseKeyFileStopsTheStart() throws IOException {
        Path keyFile = folder.resolve("master.key");
        MasterKeyFile.create(keyFile);
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-rw-r--"));
        new ApplicationContextRunner()
                .withUserConfiguration(VaultConfiguration.class, ModelVault.class)
                .withPropertyValues("studio.security.master-key-file=" + keyFile,
                        "studio.vault.dir=" + folder.resolve("vault"))
                .run(context -> assertThat(context).getFailure().rootCause()
                        .isInstanceOf(MasterKeyException.class).hasMessageContaining("chmod 600"));
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }
}
