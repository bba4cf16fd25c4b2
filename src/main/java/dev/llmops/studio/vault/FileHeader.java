package dev.llmops.studio.vault;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The header of an encrypted file (format version 1), 93 bytes, big-endian:
 * <pre>
 *  0  8  magic "LLMOPSEF"
 *  8  1  format version (1)
 *  9  4  segment size: plaintext bytes per segment
 * 13 12  base nonce (segment nonces derive from it)
 *    ---- the "prefix" ends here: it is the AAD of every segment and of the key wrap
 * 25  8  id of the master key that wraps the data key
 * 33 12  nonce of the key wrap
 * 45 48  data key (32 bytes) AES-256-GCM-encrypted under the master key, with its 16-byte tag;
 *        AAD = prefix + master key id
 * </pre>
 * Every header byte is authenticated, but in two groups on purpose: the prefix by each segment, the key slot by
 * its own tag. Rotating the master key therefore rewrites only the key slot and leaves the content's bytes as
 * they are. The wrap's AAD holds this file's random base nonce, so a key slot copied from another file fails.
 */
final class FileHeader {

    static final byte[] MAGIC = "LLMOPSEF".getBytes(StandardCharsets.US_ASCII);
    static final byte VERSION = 1;
    static final int NONCE_BYTES = 12;
    static final int TAG_BYTES = 16;
    static final int TAG_BITS = TAG_BYTES * 8;
    static final int DATA_KEY_BYTES = 32;
    static final int PREFIX_BYTES = MAGIC.length + 1 + 4 + NONCE_BYTES;
    static final int LENGTH = PREFIX_BYTES + MasterKey.ID_BYTES + NONCE_BYTES + DATA_KEY_BYTES + TAG_BYTES;
    /** Bounds a header may claim, so a modified header cannot make a reader allocate gigabytes. */
    static final int MIN_SEGMENT_SIZE = 16;
    static final int MAX_SEGMENT_SIZE = 64 << 20;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final int segmentSize;
    private final byte[] baseNonce;
    private final byte[] keyId;
    private final byte[] wrapNonce;
    private final byte[] wrappedKey;

    private FileHeader(int segmentSize, byte[] baseNonce, byte[] keyId, byte[] wrapNonce, byte[] wrappedKey) {
        this.segmentSize = segmentSize;
        this.baseNonce = baseNonce;
        this.keyId = keyId;
        this.wrapNonce = wrapNonce;
        this.wrappedKey = wrappedKey;
    }

    /** A header for a new file: fresh base nonce, {@code dataKey} wrapped by {@code master}. */
    static FileHeader create(int segmentSize, SecretKey dataKey, MasterKey master) {
        checkSegmentSize(segmentSize);
        byte[] baseNonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(baseNonce);
        return new FileHeader(segmentSize, baseNonce, new byte[MasterKey.ID_BYTES], null, null)
                .wrappedFor(dataKey, master);
    }

    static SecretKey newDataKey() {
        byte[] bytes = new byte[DATA_KEY_BYTES];
        RANDOM.nextBytes(bytes);
        return new SecretKeySpec(bytes, "AES");
    }

    /** The same file identity (prefix) with the data key wrapped anew by {@code master}. */
    FileHeader wrappedFor(SecretKey dataKey, MasterKey master) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        byte[] id = master.idBytes();
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, master.secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(wrapAad(id));
            return new FileHeader(segmentSize, baseNonce, id, nonce, cipher.doFinal(dataKey.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    /** The data key; fails when the key slot or the prefix was modified, or {@code master} is not its key. */
    SecretKey unwrap(MasterKey master, String subject) throws EncryptedFileException {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, master.secretKey(), new GCMParameterSpec(TAG_BITS, wrapNonce));
            cipher.updateAAD(wrapAad(keyId));
            return new SecretKeySpec(cipher.doFinal(wrappedKey), "AES");
        } catch (AEADBadTagException e) {
            throw new EncryptedFileException(subject + " has a modified header (its data key does not "
                    + "authenticate under " + master + ")", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    static FileHeader read(FileChannel channel, String subject) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(LENGTH);
        while (bytes.hasRemaining()) {
            if (channel.read(bytes, bytes.position()) < 0) {
                break;
            }
        }
        return parse(Arrays.copyOf(bytes.array(), bytes.position()), subject);
    }

    static FileHeader read(InputStream in, String subject) throws IOException {
        return parse(in.readNBytes(LENGTH), subject);
    }

    private static FileHeader parse(byte[] bytes, String subject) throws EncryptedFileException {
        if (bytes.length < MAGIC.length || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new EncryptedFileException(subject + " is not an encrypted file (its first bytes are not the "
                    + "LLMOPSEF header)");
        }
        if (bytes.length < LENGTH) {
            throw new EncryptedFileException(subject + " was truncated (its header is " + bytes.length
                    + " of " + LENGTH + " bytes)");
        }
        ByteBuffer header = ByteBuffer.wrap(bytes).position(MAGIC.length);
        byte version = header.get();
        if (version != VERSION) {
            throw new EncryptedFileException(subject + " has format version " + version + "; this version of the "
                    + "studio reads version " + VERSION + (version > VERSION ? " (written by a newer studio?)" : ""));
        }
        int segmentSize = header.getInt();
        if (segmentSize < MIN_SEGMENT_SIZE || segmentSize > MAX_SEGMENT_SIZE) {
            throw new EncryptedFileException(subject + " has a modified header (segment size " + segmentSize
                    + " is out of range)");
        }
        byte[] baseNonce = new byte[NONCE_BYTES];
        byte[] keyId = new byte[MasterKey.ID_BYTES];
        byte[] wrapNonce = new byte[NONCE_BYTES];
        byte[] wrappedKey = new byte[DATA_KEY_BYTES + TAG_BYTES];
        header.get(baseNonce).get(keyId).get(wrapNonce).get(wrappedKey);
        return new FileHeader(segmentSize, baseNonce, keyId, wrapNonce, wrappedKey);
    }

    byte[] toBytes() {
        return ByteBuffer.allocate(LENGTH).put(prefix()).put(keyId).put(wrapNonce).put(wrappedKey).array();
    }

    /** Magic, version, segment size and base nonce: what never changes in the life of the file. */
    byte[] prefix() {
        return ByteBuffer.allocate(PREFIX_BYTES).put(MAGIC).put(VERSION).putInt(segmentSize).put(baseNonce).array();
    }

    int segmentSize() {
        return segmentSize;
    }

    byte[] baseNonce() {
        return baseNonce.clone();
    }

    byte[] keyId() {
        return keyId.clone();
    }

    String keyIdHex() {
        return HexFormat.of().formatHex(keyId);
    }

    /** The plaintext length implied by a file of {@code fileSize} bytes (each segment adds one tag). */
    long plaintextSize(long fileSize) {
        long body = Math.max(0, fileSize - LENGTH);
        long sealedSegment = (long) segmentSize + TAG_BYTES;
        long segments = Math.max(1, (body + sealedSegment - 1) / sealedSegment);
        return Math.max(0, body - segments * TAG_BYTES);
    }

    private byte[] wrapAad(byte[] id) {
        return ByteBuffer.allocate(PREFIX_BYTES + id.length).put(prefix()).put(id).array();
    }

    private static void checkSegmentSize(int segmentSize) {
        if (segmentSize < MIN_SEGMENT_SIZE || segmentSize > MAX_SEGMENT_SIZE) {
            throw new IllegalArgumentException("segment size must be " + MIN_SEGMENT_SIZE + " to " + MAX_SEGMENT_SIZE
                    + " bytes, not " + segmentSize);
        }
    }
}
