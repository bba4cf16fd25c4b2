package dev.llmops.studio.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.studio.support.StudioProcess;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeyRotationTest {

    @TempDir
    Path folder;

    @Test
    void rotationRewrapsEveryFileAndCanBeRunAgain() throws IOException {
        MasterKey current = MasterKey.generate();
        MasterKey previous = MasterKey.generate();
        Path vaultDir = folder.resolve("vault");
        ModelVault vault = new ModelVault(new EncryptedFiles(MasterKeyRing.of(current)), vaultDir);
        ModelVault older = new ModelVault(new EncryptedFiles(MasterKeyRing.of(previous)), vaultDir);
        Map<VaultRef, byte[]> contents = new LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
            byte[] content = random(i * 700_000 + 3, i);
            contents.put((i == 3 ? older : vault).put(new ByteArrayInputStream(content)), content);
        }
        Files.writeString(vaultDir.resolve("README.txt"), "not encrypted");
        Files.writeString(vaultDir.resolve("x.enc.abc.part"), "a write in progress");
        MasterKey next = MasterKey.generate();
        MasterKeyRing configured = MasterKeyRing.of(current, previous);

        MasterKeyRotation.Result result = MasterKeyRotation.rotate(vaultDir, configured, next);

        assertThat(result).isEqualTo(new MasterKeyRotation.Result(4, 0, 1, List.of()));
        assertAllRead(new ModelVault(new EncryptedFiles(MasterKeyRing.of(next)), vaultDir), contents);
        assertAllRead(new ModelVault(new EncryptedFiles(MasterKeyRing.of(next, current, previous)), vaultDir),
                contents);
        ModelVault oldKeysOnly = new ModelVault(new EncryptedFiles(configured), vaultDir);
        for (VaultRef ref : contents.keySet()) {
            assertThatThrownBy(() -> oldKeysOnly.open(ref)).isInstanceOf(EncryptedFileException.class)
                    .hasMessageContaining("is encrypted with master key " + next.id());
        }
        assertThat(MasterKeyRotation.rotate(vaultDir, configured, next))
                .isEqualTo(new MasterKeyRotation.Result(0, 4, 1, List.of()));
    }

    @Test
    void aFileUnderAnUnknownKeyIsReportedAndTheOthersAreStillDone() throws IOException {
        MasterKey current = MasterKey.generate();
        Path vaultDir = folder.resolve("vault");
        VaultRef known = new ModelVault(new EncryptedFiles(MasterKeyRing.of(current)), vaultDir)
                .put(new ByteArrayInputStream(random(10, 1)));
        MasterKey forgotten = MasterKey.generate();
        new ModelVault(new EncryptedFiles(MasterKeyRing.of(forgotten)), vaultDir)
                .put(new ByteArrayInputStream(random(10, 2)));
        MasterKey next = MasterKey.generate();

        MasterKeyRotation.Result result = MasterKeyRotation.rotate(vaultDir, MasterKeyRing.of(current), next);

        assertThat(result.rewrapped()).isEqualTo(1);
        assertThat(result.complete()).isFalse();
        assertThat(result.failures()).singleElement().asString()
                .contains("wrapped by master key " + forgotten.id() + ", which is not configured");
        assertThat(new ModelVault(new EncryptedFiles(MasterKeyRing.of(next)), vaultDir).open(known)).isNotNull();
    }

    @Test
    void theCommandReadsTheServersConfigurationAndCreatesTheNewKey() throws IOException {
        Path keyFile = folder.resolve("data/master.key");
        Path vaultDir = folder.resolve("data/vault");
        MasterKey current = MasterKeyFile.create(keyFile);
        byte[] content = random(1_500_000, 5);
        VaultRef ref = new ModelVault(new EncryptedFiles(MasterKeyRing.of(current)), vaultDir)
                .put(new ByteArrayInputStream(content));
        Path newKeyFile = folder.resolve("new.key");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = MasterKeyRotationCommand.run(new String[] {"rotate-master-key", "--new-key-file=" + newKeyFile,
            "--vault-dir=" + vaultDir, "--studio.security.master-key-file=" + keyFile}, print(out), print(err));

        assertThat(status).as(err.toString()).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(newKeyFile))).isEqualTo("rw-------");
        MasterKey next = MasterKeyFile.read(newKeyFile);
        assertThat(out.toString()).contains("Generated the new master key " + next.id())
                .contains("1 re-wrapped, 0 already under the new key")
                .contains("mv " + keyFile.toAbsolutePath() + " " + keyFile.toAbsolutePath() + ".old");
        assertAllRead(new ModelVault(new EncryptedFiles(MasterKeyRing.of(next)), vaultDir), Map.of(ref, content));
    }

    @Test
    void theCommandRefusesToRunWithoutItsCurrentKeyOrNewKeyFile() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = MasterKeyRotationCommand.run(new String[] {"rotate-master-key",
            "--new-key-file=" + folder.resolve("new.key"),
            "--studio.security.master-key-file=" + folder.resolve("absent.key")},
                print(new ByteArrayOutputStream()), print(err));
        assertThat(status).isEqualTo(MasterKeyRotationCommand.USAGE);
        assertThat(err.toString()).contains("absent.key does not exist");
        assertThat(folder.resolve("absent.key")).as("never invents the current key").doesNotExist();
        assertThat(folder.resolve("new.key")).doesNotExist();

        ByteArrayOutputStream usage = new ByteArrayOutputStream();
        assertThat(MasterKeyRotationCommand.run(new String[] {"rotate-master-key"}, print(new ByteArrayOutputStream()),
                print(usage))).isEqualTo(MasterKeyRotationCommand.USAGE);
        assertThat(usage.toString()).contains("--new-key-file is required").contains("Usage:");
    }

    /** Like an operator would run it: the jar's main class in its own JVM, on a folder of its own. */
    @Test
    void theCommandRunsAsItsOwnProcess() throws Exception {
        Path keyFile = folder.resolve("master.key");
        Path vaultDir = folder.resolve("vault");
        MasterKey current = MasterKeyFile.create(keyFile);
        byte[] content = random(300_000, 8);
        VaultRef ref = new ModelVault(new EncryptedFiles(MasterKeyRing.of(current)), vaultDir)
                .put(new ByteArrayInputStream(content));
        Path newKeyFile = folder.resolve("next.key");

        List<String> arguments = new ArrayList<>(List.of("rotate-master-key", "--new-key-file=" + newKeyFile,
                "--vault-dir=" + vaultDir, "--studio.security.master-key-file=" + keyFile));
        Process process = StudioProcess.start("rotate-master-key", "128m", arguments);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(StudioProcess.log("rotate-master-key"));

        assertThat(process.exitValue()).as(log).isZero();
        assertThat(log).contains("1 re-wrapped").doesNotContain("Tomcat").doesNotContain("HikariPool");
        MasterKey next = MasterKeyFile.read(newKeyFile);
        assertAllRead(new ModelVault(new EncryptedFiles(MasterKeyRing.of(next)), vaultDir), Map.of(ref, content));
    }

    private static void assertAllRead(ModelVault vault, Map<VaultRef, byte[]> contents) throws IOException {
        for (Map.Entry<VaultRef, byte[]> entry : contents.entrySet()) {
            try (InputStream in = vault.open(entry.getKey())) {
                assertThat(in.readAllBytes()).isEqualTo(entry.getValue());
            }
        }
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    private static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
