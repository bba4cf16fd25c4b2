package dev.llmops.studio.artifact;

import dev.llmops.studio.platform.NotFoundException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Artifacts on the local file system, addressed by the SHA-256 of their content ({@code objects/ab/abcd…}).
 * Content is streamed through a digest into a temporary file and moved into place atomically, so a reader never
 * sees half an artifact, a crashed upload leaves only a temporary file (swept at start), and storing equal
 * content twice keeps one copy. Servers of one cluster point {@code studio.artifacts.dir} at shared storage.
 */
@Component
public class ArtifactStore {

    private static final Logger log = LoggerFactory.getLogger(ArtifactStore.class);
    private static final Duration ABANDONED_UPLOAD = Duration.ofHours(1);

    private final Path objects;
    private final Path incoming;

    public ArtifactStore(@Value("${studio.artifacts.dir:./data/artifacts}") Path root) {
        this.objects = root.resolve("objects");
        this.incoming = root.resolve("incoming");
        try {
            Files.createDirectories(objects);
            Files.createDirectories(incoming);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the artifact store under " + root.toAbsolutePath(), e);
        }
        sweepAbandonedUploads();
    }

    /** What {@link #write} calls to produce an artifact's content. */
    @FunctionalInterface
    public interface ContentWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Stores the stream's content (read to its end, never held in memory) and returns its address. */
    public ArtifactRef put(InputStream content) throws IOException {
        return write(content::transferTo);
    }

    /**
     * Stores what the writer produces, hashed on the way to disk, so content generated on the fly (a dataset
     * version being built) is written once rather than to a temporary file and then copied.
     */
    public ArtifactRef write(ContentWriter writer) throws IOException {
        Path temporary = Files.createTempFile(incoming, "upload-", ".part");
        try {
            MessageDigest digest = sha256();
            try (OutputStream out = new DigestOutputStream(
                    new BufferedOutputStream(Files.newOutputStream(temporary), 1 << 16), digest)) {
                writer.writeTo(out);
            }
            ArtifactRef ref = new ArtifactRef(HexFormat.of().formatHex(digest.digest()));
            Path target = path(ref);
            if (Files.exists(target)) {
                return ref;
            }
            Files.createDirectories(target.getParent());
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                if (!Files.exists(target)) {
                    throw e;
                }
                // another upload of the same content won the race: the bytes are identical by definition
            }
            return ref;
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    public ArtifactRef put(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return put(in);
        }
    }

    public boolean exists(ArtifactRef ref) {
        return Files.isRegularFile(path(ref));
    }

    public long size(ArtifactRef ref) {
        try {
            return Files.size(existing(ref));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public InputStream open(ArtifactRef ref) throws IOException {
        return Files.newInputStream(existing(ref));
    }

    /** The stored file, for readers on this machine; it must not be modified. */
    public Path file(ArtifactRef ref) {
        return existing(ref);
    }

    /** Physically removes the content (erasure, retention); false when it was not there. */
    public boolean delete(ArtifactRef ref) throws IOException {
        return Files.deleteIfExists(path(ref));
    }

    /**
     * Copies a stream into a file while hashing it, and returns the content's address. Shared by the store and
     * by remote workers' input caches, which check downloads against the address they asked for.
     */
    public static ArtifactRef copyHashing(InputStream content, Path target) throws IOException {
        MessageDigest digest = sha256();
        try (OutputStream out = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(target),
                1 << 16), digest)) {
            content.transferTo(out);
        }
        return new ArtifactRef(HexFormat.of().formatHex(digest.digest()));
    }

    private Path existing(ArtifactRef ref) {
        Path path = path(ref);
        if (!Files.isRegularFile(path)) {
            throw new NotFoundException("Artifact " + ref + " is not in the store.");
        }
        return path;
    }

    private Path path(ArtifactRef ref) {
        return objects.resolve(ref.sha256().substring(0, 2)).resolve(ref.sha256());
    }

    private void sweepAbandonedUploads() {
        Instant cutoff = Instant.now().minus(ABANDONED_UPLOAD);
        try (Stream<Path> parts = Files.list(incoming)) {
            parts.filter(p -> {
                try {
                    return Files.getLastModifiedTime(p).toInstant().isBefore(cutoff);
                } catch (IOException e) {
                    return false;
                }
            }).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                    log.info("Removed abandoned upload {}", p.getFileName());
                } catch (IOException e) {
                    log.warn("Cannot remove abandoned upload {}: {}", p, e.getMessage());
                }
            });
        } catch (IOException e) {
            log.warn("Cannot sweep abandoned uploads in {}: {}", incoming, e.getMessage());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
