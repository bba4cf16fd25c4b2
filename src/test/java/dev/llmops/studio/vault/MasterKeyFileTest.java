package dev.llmops.studio.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeyFileTest {

    @TempDir
    Path folder;

    @BeforeEach
    void posixOnly() {
        assumeThat(MasterKeyFile.supportsPosix(folder)).as("POSIX permissions").isTrue();
    }

    @Test
    void aNewKeyFileIsOwnerOnlyAndHoldsA256BitKey() throws IOException {
        Path file = folder.resolve("keys/master.key");
        MasterKey key = MasterKeyFile.create(file);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        byte[] stored = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
        assertThat(stored).hasSize(32);
        assertThat(MasterKeyFile.read(file)).isEqualTo(key);
        assertThat(key.id()).hasSize(16).matches("[0-9a-f]+");
        assertThat(key.toString()).doesNotContain(key.toBase64());
    }

    @Test
    void anExistingKeyFileIsNeverOverwritten() throws IOException {
        Path file = folder.resolve("master.key");
        MasterKey first = MasterKeyFile.create(file);
        assertThatThrownBy(() -> MasterKeyFile.create(file)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(MasterKeyFile.read(file)).isEqualTo(first);
    }

    @Test
    void aKeyFileOthersMayReadIsRefusedWithTheFix() throws IOException {
        Path file = folder.resolve("master.key");
        MasterKeyFile.create(file);
        for (String loose : List.of("rw-r--r--", "rw-r-----", "rw-----w-")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(loose));
            assertThatThrownBy(() -> MasterKeyFile.read(file)).as(loose)
                    .isInstanceOf(MasterKeyException.class)
                    .hasMessageContaining("may be accessed by other users (" + loose + ")")
                    .hasMessageContaining("chmod 600 " + file.toAbsolutePath());
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        assertThat(MasterKeyFile.read(file)).as("read-only for the owner is fine").isNotNull();
    }

    @Test
    void firstStartGeneratesTheKeyFileAndLaterStartsReadIt() {
        Path file = folder.resolve("data/master.key");
        MasterKeyRing first = MasterKeySettings.ofFile(file).load(true);
        assertThat(file).exists();
        MasterKeyRing second = MasterKeySettings.ofFile(file).load(true);
        assertThat(second.current()).isEqualTo(first.current());
    }

    @Test
    void withoutPermissionToGenerateAMissingKeyIsAnError() {
        Path file = folder.resolve("missing.key");
        assertThatThrownBy(() -> MasterKeySettings.ofFile(file).load(false))
                .isInstanceOf(MasterKeyException.class).hasMessageContaining("does not exist");
        assertThat(file).doesNotExist();
    }

    @Test
    void aConfiguredKeyWinsAndNoFileIsCreated() throws IOException {
        MasterKey configured = MasterKey.generate();
        MasterKey older = MasterKey.generate();
        Path olderFile = folder.resolve("older.key");
        MasterKey oldest = MasterKeyFile.create(olderFile);
        Path file = folder.resolve("master.key");

        MasterKeyRing ring = new MasterKeySettings(configured.toBase64(), file, List.of(olderFile),
                List.of(older.toBase64())).load(true);

        assertThat(file).doesNotExist();
        assertThat(ring.current()).isEqualTo(configured);
        assertThat(ring.previous()).containsExactly(oldest, older);
        assertThat(ring.byId(older.id())).contains(older);
        assertThat(ring.byId(MasterKey.generate().id())).isEmpty();
    }

    @Test
    void malformedKeysAreRefusedClearly() throws IOException {
        assertThatThrownBy(() -> new MasterKeySettings("not base64!", folder.resolve("x"), List.of(), List.of())
                .load(true)).isInstanceOf(MasterKeyException.class).hasMessageContaining("STUDIO_MASTER_KEY");
        assertThatThrownBy(() -> new MasterKeySettings(Base64.getEncoder().encodeToString(new byte[16]),
                folder.resolve("x"), List.of(), List.of()).load(true))
                .hasMessageContaining("32 bytes (AES-256), not 16 bytes");
        Path empty = Files.createFile(folder.resolve("empty.key"),
                PosixFilePermissions.asFileAttribute(MasterKeyFile.OWNER_ONLY));
        assertThatThrownBy(() -> MasterKeyFile.read(empty)).hasMessageContaining("is empty");
    }
}
