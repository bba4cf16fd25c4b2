package dev.llmops.studio.vault;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * A 256-bit AES key that wraps (encrypts) the data keys of encrypted files; it never encrypts content itself.
 * Its {@link #id()} is written into every file header so that the right key can be picked among the current and
 * previous ones; the id is a truncated hash, so it identifies the key without revealing anything useful about it.
 */
public final class MasterKey {

    public static final int KEY_BYTES = 32;
    static final int ID_BYTES = 8;
    private static final SecureRandom RANDOM = new SecureRandom();
    // domain separation: the id must not equal any other hash of the key another tool might print
    private static final byte[] ID_CONTEXT = "llmops-studio master key id v1\0".getBytes(StandardCharsets.US_ASCII);

    private final SecretKey key;
    private final byte[] id;

    private MasterKey(byte[] keyBytes) {
        if (keyBytes.length != KEY_BYTES) {
            throw new IllegalArgumentException("A master key is " + KEY_BYTES + " bytes (AES-256), not "
                    + keyBytes.length + " bytes");
        }
        this.key = new SecretKeySpec(keyBytes, "AES");
        this.id = Arrays.copyOf(sha256(ID_CONTEXT, keyBytes), ID_BYTES);
    }

    public static MasterKey generate() {
        byte[] bytes = new byte[KEY_BYTES];
        RANDOM.nextBytes(bytes);
        return new MasterKey(bytes);
    }

    public static MasterKey of(byte[] keyBytes) {
        return new MasterKey(keyBytes.clone());
    }

    /** The form used in key files and in {@code STUDIO_MASTER_KEY}: standard base64 of the 32 bytes. */
    public static MasterKey fromBase64(String encoded) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(encoded.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("A master key must be base64 (e.g. `head -c 32 /dev/urandom | base64`)",
                    e);
        }
        return new MasterKey(bytes);
    }

    public String toBase64() {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /** 16 hex digits, as shown in logs and error messages. */
    public String id() {
        return HexFormat.of().formatHex(id);
    }

    boolean hasId(byte[] candidate) {
        return MessageDigest.isEqual(id, candidate);
    }

    byte[] idBytes() {
        return id.clone();
    }

    SecretKey secretKey() {
        return key;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MasterKey that && MessageDigest.isEqual(id, that.id);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(id);
    }

    /** Never the key itself: keys end up in logs through toString more easily than anything else. */
    @Override
    public String toString() {
        return "master key " + id();
    }

    private static byte[] sha256(byte[] context, byte[] keyBytes) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(context);
            return digest.digest(keyBytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
