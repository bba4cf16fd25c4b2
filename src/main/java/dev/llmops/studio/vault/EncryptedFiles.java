package dev.llmops.studio.vault;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;

/**
 * Envelope encryption of files with AES-256-GCM (JDK only): each file gets a fresh random data key, wrapped by
 * the current master key in the file's header (see {@link FileHeader}); the content is sealed in segments of
 * 16 KiB, so files of any size stream in constant memory and every segment is verified before its plaintext is
 * handed on. Reordered, truncated, extended or modified files fail with an {@link EncryptedFileException}.
 *
 * <p>Why 16 KiB and not 1 MiB: the JDK's AES-GCM reaches the CPU's AES instructions only once the JIT has
 * compiled it, which is counted in calls, not bytes. Measured on JDK 17 (docs/benchmarks.md), a fresh JVM with
 * 1 MiB segments still decrypted at about 70 MB/s after 240 MB; with 16 KiB segments it reached close to 1 GB/s
 * from the second 40 MB file on, 2.5 GB/s later. The tags cost 0.1 % of the file size.
 *
 * <p>Files appear atomically: content is written to a {@code .part} file beside the target and moved into place
 * only when complete, so a crash never leaves a half-written file under the final name.
 */
public final class EncryptedFiles {

    public static final int DEFAULT_SEGMENT_SIZE = 16 << 10;
    /** Suffix of files being written or rewrapped; complete files never carry it. */
    public static final String PARTIAL_SUFFIX = ".part";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int WARM_UP_ROUNDS = 1_000;

    private final MasterKeyRing keys;
    private final int segmentSize;

    public EncryptedFiles(MasterKeyRing keys) {
        this(keys, DEFAULT_SEGMENT_SIZE);
    }

    /** With another segment size: tests use tiny segments to cover many of them cheaply. */
    EncryptedFiles(MasterKeyRing keys, int segmentSize) {
        this.keys = keys;
        this.segmentSize = segmentSize;
    }

    /** What {@link #write} calls to produce the plaintext. */
    @FunctionalInterface
    public interface ContentWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Encrypts the stream (read to its end) into {@code target}, replacing it; returns the plaintext bytes. */
    public long encrypt(InputStream plain, Path target) throws IOException {
        return write(target, plain::transferTo);
    }

    /**
     * Encrypts what the writer produces into {@code target}, replacing it; returns the plaintext bytes. The file
     * appears only if the writer returns normally: content cut short by an exception is never sealed as complete.
     */
    public long write(Path target, ContentWriter writer) throws IOException {
        Path partial = partialBeside(target);
        try {
            long plaintextBytes;
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                SecretKey dataKey = FileHeader.newDataKey();
                FileHeader header = FileHeader.create(segmentSize, dataKey, keys.current());
                OutputStream file = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                EncryptingOutputStream out = new EncryptingOutputStream(new KeepOpen(file), header, dataKey);
                writer.writeTo(out);
                out.close();
                file.flush();
                plaintextBytes = out.plaintextBytes();
                channel.force(true);
            }
            moveIntoPlace(partial, target);
            return plaintextBytes;
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /**
     * Opens an encrypted file for reading. The header is checked now (format, master key configured, data key
     * authentic); the content segment by segment as it is read.
     */
    public InputStream openDecrypting(Path file) throws IOException {
        return openDecrypting(file, "encrypted file " + file);
    }

    /** As {@link #openDecrypting(Path)}, naming the file as {@code subject} in error messages. */
    InputStream openDecrypting(Path file, String subject) throws IOException {
        // buffered: each segment is read whole and followed by a one-byte look-ahead
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            FileHeader header = FileHeader.read(in, subject);
            MasterKey master = keys.byId(header.keyId()).orElseThrow(() -> new EncryptedFileException(subject
                    + " is encrypted with master key " + header.keyIdHex() + ", which is not configured ("
                    + keys.describe() + "). If it was rotated away from, add the old key file to "
                    + "studio.security.previous-master-key-files."));
            return new DecryptingInputStream(in, header, header.unwrap(master, subject), subject);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /**
     * Re-wraps the file's data key from {@code from} to {@code to}: a new header is written with the content
     * copied unchanged behind it (the segments stay valid because they authenticate only the header's fixed
     * prefix) into a {@code .part} file, synced, and renamed over the original, so after a crash the file is
     * either old-wrapped or new-wrapped, never broken. Costs one copy of the file on disk and in time.
     *
     * @return false when the file was already wrapped by {@code to} (a rotation interrupted and run again)
     * @throws EncryptedFileException when the file is wrapped by neither key or its header is not authentic
     */
    public static boolean rewrap(Path file, MasterKey from, MasterKey to) throws IOException {
        String subject = "encrypted file " + file;
        Path partial = partialBeside(file);
        try {
            try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
                FileHeader header = FileHeader.read(in, subject);
                if (to.hasId(header.keyId())) {
                    return false;
                }
                if (!from.hasId(header.keyId())) {
                    throw new EncryptedFileException(subject + " is wrapped by master key " + header.keyIdHex()
                            + ", not by " + from);
                }
                FileHeader rewrapped = header.wrappedFor(header.unwrap(from, subject), to);
                rewrapped.unwrap(to, subject);
                try (FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE)) {
                    ByteBuffer headerBytes = ByteBuffer.wrap(rewrapped.toBytes());
                    while (headerBytes.hasRemaining()) {
                        out.write(headerBytes);
                    }
                    long size = in.size();
                    long position = FileHeader.LENGTH;
                    while (position < size) {
                        position += in.transferTo(position, size - position, out);
                    }
                    if (out.size() != size) {
                        throw new IOException("copy of " + file + " is " + out.size() + " bytes, not " + size);
                    }
                    out.force(true);
                }
            }
            moveIntoPlace(partial, file);
            return true;
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /**
     * Seals and opens a thousand throwaway segments, so that the JIT compiles the JDK's AES-GCM onto the CPU's AES
     * instructions before the first real file instead of during it: in a fresh JVM the first 40 MB otherwise
     * decrypt at about 50 to 70 MB/s (measured in docs/benchmarks.md). Costs about half a second of one core.
     */
    public static void warmUp() {
        SecretKey dataKey = FileHeader.newDataKey();
        FileHeader header = FileHeader.create(DEFAULT_SEGMENT_SIZE, dataKey, MasterKey.generate());
        SegmentCipher cipher = new SegmentCipher(dataKey, header);
        byte[] plain = new byte[DEFAULT_SEGMENT_SIZE];
        byte[] sealed = new byte[DEFAULT_SEGMENT_SIZE + FileHeader.TAG_BYTES];
        try {
            for (int round = 0; round < WARM_UP_ROUNDS; round++) {
                int length = cipher.seal(round, false, plain, plain.length, sealed);
                cipher.open(round, false, sealed, length, plain);
            }
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("AES-GCM does not decrypt what it encrypted", e);
        }
    }

    /** Whether the file starts like an encrypted file (magic only; nothing is verified). */
    public static boolean isEncryptedFile(Path file) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(FileHeader.MAGIC.length), FileHeader.MAGIC);
        } catch (IOException e) {
            return false;
        }
    }

    /** Id of the master key the file's data key is wrapped by, as the header says (not yet verified). */
    public static String masterKeyId(Path file) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            return FileHeader.read(in, "encrypted file " + file).keyIdHex();
        }
    }

    /** The plaintext size, computed from the file size (verified only when the content is read). */
    public static long plaintextSize(Path file) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            return FileHeader.read(in, "encrypted file " + file).plaintextSize(in.size());
        }
    }

    private static Path partialBeside(Path target) {
        byte[] random = new byte[6];
        RANDOM.nextBytes(random);
        return target.resolveSibling(target.getFileName() + "." + HexFormat.of().formatHex(random) + PARTIAL_SUFFIX);
    }

    private static void moveIntoPlace(Path partial, Path target) throws IOException {
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("Cannot replace " + target + " atomically on this file system", e);
        }
        syncFolder(target.toAbsolutePath().getParent());
    }

    /** Makes the rename itself durable; not every platform can open a folder, and there it is skipped. */
    private static void syncFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Windows cannot open folders as channels; its NTFS journals the rename anyway
        }
    }

    /** Lets the encrypting stream finish without closing the channel before it is synced. */
    private static final class KeepOpen extends FilterOutputStream {
        KeepOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
