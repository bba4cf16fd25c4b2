package dev.llmops.studio.vault;

import dev.llmops.studio.platform.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Model packages encrypted at rest under {@code studio.vault.dir} ({@code <root>/ab/<id>.enc}), each with its own
 * data key (see {@link EncryptedFiles}). This folder is what {@code rotate-master-key} walks; several servers
 * must share it (like the artifact store) and be configured with the same master keys.
 */
@Component
public class ModelVault {

    static final String EXTENSION = ".enc";
    private static final Logger log = LoggerFactory.getLogger(ModelVault.class);
    private static final Duration ABANDONED_WRITE = Duration.ofHours(1);

    private final EncryptedFiles files;
    private final Path root;

    public ModelVault(EncryptedFiles files, @Value("${studio.vault.dir:./data/vault}") Path root) {
        this.files = files;
        this.root = root;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the model vault under " + root.toAbsolutePath(), e);
        }
        sweepAbandonedWrites();
    }

    /**
     * Once the server is up, readies the cipher in the background (see {@link EncryptedFiles#warmUp()}), so that
     * the first model loaded after a start decrypts at full speed; nothing waits for it.
     */
    @EventListener(ApplicationReadyEvent.class)
    void warmUpCipher() {
        Thread thread = new Thread(() -> {
            long began = System.nanoTime();
            EncryptedFiles.warmUp();
            log.debug("AES-GCM warmed up in {} ms", (System.nanoTime() - began) / 1_000_000);
        }, "vault-cipher-warm-up");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    /** Encrypts the stream's content (read to its end, never held in memory) into the vault. */
    public VaultRef put(InputStream content) throws IOException {
        return write(content::transferTo);
    }

    /**
     * Encrypts what the writer produces (e.g. a zip of a model folder written on the fly) into the vault. Nothing
     * is stored if the writer throws.
     */
    public VaultRef write(EncryptedFiles.ContentWriter writer) throws IOException {
        VaultRef ref = VaultRef.random();
        Path target = path(ref);
        Files.createDirectories(target.getParent());
        files.write(target, writer);
        return ref;
    }

    /**
     * The decrypted content as a stream; it throws {@link EncryptedFileException} as soon as a segment does not
     * verify, and ends only after the final segment verified. Close it.
     *
     * @throws EncryptedFileException at once when the file's master key is not configured or its header was
     *                                modified
     */
    public InputStream open(VaultRef ref) throws IOException {
        return files.openDecrypting(existing(ref), "model file " + ref);
    }

    /** Plaintext size in bytes, computed from the file size (verified only when read). */
    public long size(VaultRef ref) throws IOException {
        return EncryptedFiles.plaintextSize(existing(ref));
    }

    public boolean exists(VaultRef ref) {
        return Files.isRegularFile(path(ref));
    }

    /** Physically removes the file; false when it was not there. */
    public boolean delete(VaultRef ref) throws IOException {
        return Files.deleteIfExists(path(ref));
    }

    /** The vault folder (for the rotation command and operators). */
    public Path root() {
        return root;
    }

    private Path existing(VaultRef ref) {
        Path path = path(ref);
        if (!Files.isRegularFile(path)) {
            throw new NotFoundException("Model file " + ref + " is not in the vault.");
        }
        return path;
    }

    private Path path(VaultRef ref) {
        return root.resolve(ref.id().substring(0, 2)).resolve(ref.id() + EXTENSION);
    }

    /** Writes and rewraps cut short by a crash leave {@code .part} files; an hour later nobody is writing them. */
    private void sweepAbandonedWrites() {
        Instant cutoff = Instant.now().minus(ABANDONED_WRITE);
        try (Stream<Path> paths = Files.walk(root, 2)) {
            paths.filter(p -> p.getFileName().toString().endsWith(EncryptedFiles.PARTIAL_SUFFIX))
                    .filter(p -> olderThan(p, cutoff))
                    .forEach(p -> {
                        try {
                            Files.deleteIfExists(p);
                            log.info("Removed abandoned partial file {}", p);
                        } catch (IOException e) {
                            log.warn("Cannot remove abandoned partial file {}: {}", p, e.getMessage());
                        }
                    });
        } catch (IOException e) {
            log.warn("Cannot sweep partial files in {}: {}", root, e.getMessage());
        }
    }

    private static boolean olderThan(Path path, Instant cutoff) {
        try {
            return Files.getLastModifiedTime(path).toInstant().isBefore(cutoff);
        } catch (IOException e) {
            return false;
        }
    }
}
