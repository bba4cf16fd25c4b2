package dev.llmops.studio.bench;

import dev.llmops.studio.model.ModelPackageLoading;
import dev.llmops.studio.vault.EncryptedFiles;
import dev.llmops.studio.vault.MasterKeyFile;
import dev.llmops.studio.vault.MasterKeyRing;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One load of the weights in a fresh JVM, as after a server start (run by {@link EncryptionBenchmark} as a child
 * process): {@code plain FILE FLOATS}, {@code cold ENCRYPTED KEY_FILE FLOATS} or {@code warm ENCRYPTED KEY_FILE
 * FLOATS} (with {@link EncryptedFiles#warmUp()} first, as the server does once it is up); or the same for a model
 * package: {@code model-plain ZIP}, {@code model-cold ENCRYPTED_ZIP KEY_FILE}, {@code model-warm ENCRYPTED_ZIP
 * KEY_FILE} (unzip + build the DJL model, the engine loaded before the clock starts). Prints
 * {@code RESULT <warm-up ms> <load ms>}.
 */
public final class EncryptionFirstLoad {

    private EncryptionFirstLoad() {
    }

    public static void main(String[] args) throws IOException {
        String mode = args[0];
        Path file = Path.of(args[1]);
        double warmUpMs = 0;
        double loadMs;
        if (mode.startsWith("model-")) {
            // the engine is up before the clock starts: what is timed is unzip + building the model
            ModelPackageLoading.prepareEngine();
            Path unpacked = Files.createTempDirectory(file.getParent(), "first-load-");
            long began;
            if (mode.equals("model-plain")) {
                began = System.nanoTime();
                ModelPackageLoading.unzipAndLoad(Files.newInputStream(file), unpacked);
            } else {
                EncryptedFiles files = new EncryptedFiles(MasterKeyRing.of(MasterKeyFile.read(Path.of(args[2]))));
                if (mode.equals("model-warm")) {
                    long warmUpBegan = System.nanoTime();
                    EncryptedFiles.warmUp();
                    warmUpMs = (System.nanoTime() - warmUpBegan) / 1e6;
                }
                began = System.nanoTime();
                ModelPackageLoading.unzipAndLoad(files.openDecrypting(file), unpacked);
            }
            loadMs = (System.nanoTime() - began) / 1e6;
            Files.deleteIfExists(unpacked);
        } else if (mode.equals("plain")) {
            int floats = Integer.parseInt(args[2]);
            long began = System.nanoTime();
            try (InputStream in = Files.newInputStream(file)) {
                EncryptionBenchmark.parse(in, floats);
            }
            loadMs = (System.nanoTime() - began) / 1e6;
        } else {
            EncryptedFiles files = new EncryptedFiles(MasterKeyRing.of(MasterKeyFile.read(Path.of(args[2]))));
            int floats = Integer.parseInt(args[3]);
            if (mode.equals("warm")) {
                long began = System.nanoTime();
                EncryptedFiles.warmUp();
                warmUpMs = (System.nanoTime() - began) / 1e6;
            }
            long began = System.nanoTime();
            try (InputStream in = files.openDecrypting(file)) {
                EncryptionBenchmark.parse(in, floats);
            }
            loadMs = (System.nanoTime() - began) / 1e6;
        }
        System.out.printf(Locale.ROOT, "RESULT %.1f %.1f%n", warmUpMs, loadMs);
    }
}
