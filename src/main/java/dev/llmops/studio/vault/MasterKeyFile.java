package dev.llmops.studio.vault;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * A master key in a file: one line of base64, readable and writable by its owner only. A key file that anyone
 * else may read is refused, not just warned about: such a key protects nothing from the other users of the
 * machine (or from backup tools that copy world-readable files), a warning in a start-up log goes unread, and
 * the fix is one {@code chmod}, which the message names. OpenSSH treats private keys the same way.
 */
public final class MasterKeyFile {

    static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE);

    private MasterKeyFile() {
    }

    /** Reads an existing key file, refusing one that others may access. */
    public static MasterKey read(Path file) throws IOException {
        refuseLoosePermissions(file);
        String content;
        try {
            content = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            throw new MasterKeyException("Master key file " + file.toAbsolutePath() + " does not exist.", e);
        }
        if (content.isEmpty()) {
            throw new MasterKeyException("Master key file " + file.toAbsolutePath() + " is empty: its creation was "
                    + "interrupted, or it was overwritten. Restore it from your backup; if nothing was ever encrypted "
                    + "with it, delete it and a new key is generated.");
        }
        try {
            return MasterKey.fromBase64(content);
        } catch (IllegalArgumentException e) {
            throw new MasterKeyException("Master key file " + file.toAbsolutePath() + " does not hold a key: "
                    + e.getMessage() + ".", e);
        }
    }

    /**
     * Generates a key into a new file. The permissions are part of the creation itself, so the key is never
     * readable by others, not even for a moment; and creation fails if the file exists, so two servers starting
     * at once on a shared folder cannot overwrite each other's key.
     *
     * @throws FileAlreadyExistsException when the file is already there
     */
    public static MasterKey create(Path file) throws IOException {
        Path absolute = file.toAbsolutePath();
        if (absolute.getParent() != null) {
            Files.createDirectories(absolute.getParent());
        }
        MasterKey key = MasterKey.generate();
        FileAttribute<?>[] ownerOnly = supportsPosix(absolute.getParent())
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        try (FileChannel channel = FileChannel.open(absolute, EnumSet.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), ownerOnly)) {
            ByteBuffer line = ByteBuffer.wrap((key.toBase64() + "\n").getBytes(StandardCharsets.US_ASCII));
            while (line.hasRemaining()) {
                channel.write(line);
            }
            // a key that files were encrypted with must survive a power cut
            channel.force(true);
        }
        return key;
    }

    /** Whether this file system can express owner-only access (not on Windows, where ACLs are the owner's job). */
    public static boolean supportsPosix(Path folder) {
        Path probe = folder == null ? Path.of("").toAbsolutePath() : folder;
        return Files.getFileAttributeView(probe, PosixFileAttributeView.class) != null;
    }

    private static void refuseLoosePermissions(Path file) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null || !Files.exists(file)) {
            return;
        }
        Set<PosixFilePermission> permissions = view.readAttributes().permissions();
        Set<PosixFilePermission> others = EnumSet.copyOf(permissions);
        others.removeAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE));
        if (!others.isEmpty()) {
            throw new MasterKeyException("Master key file " + file.toAbsolutePath() + " may be accessed by other "
                    + "users (" + PosixFilePermissions.toString(permissions) + "). Restrict it to its owner with "
                    + "`chmod 600 " + file.toAbsolutePath() + "` and start again; the key is not used while others "
                    + "can read it.");
        }
    }
}
