package dev.llmops.studio.vault;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM over one segment. Segment {@code i}'s nonce is the base nonce with {@code i} XORed into its last
 * eight bytes, so a segment moved to another position fails; the AAD is the header prefix plus a final-segment
 * flag, so dropping the final segments (the flagged one is then missing) or appending any fails too. Nonces
 * never repeat under one data key: every file has its own data key, and indices are distinct within a file.
 */
final class SegmentCipher {

    private static final byte[] FINAL = {1};
    private static final byte[] NOT_FINAL = {0};

    private final Cipher cipher;
    private final SecretKey dataKey;
    private final byte[] baseNonce;
    private final byte[] prefix;
    private final byte[] nonce = new byte[FileHeader.NONCE_BYTES];

    SegmentCipher(SecretKey dataKey, FileHeader header) {
        this.dataKey = dataKey;
        this.baseNonce = header.baseNonce();
        this.prefix = header.prefix();
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    /** Encrypts {@code length} bytes into {@code sealed} (ciphertext then tag); returns the bytes written. */
    int seal(long index, boolean last, byte[] plain, int length, byte[] sealed) {
        try {
            start(Cipher.ENCRYPT_MODE, index, last);
            return cipher.doFinal(plain, 0, length, sealed, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /**
     * Decrypts and verifies one segment into {@code plain}; returns the plaintext length. A failed tag throws,
     * and then whatever {@code plain} holds must not be handed on (it is the caller's private buffer).
     */
    int open(long index, boolean last, byte[] sealed, int length, byte[] plain) throws AEADBadTagException {
        try {
            start(Cipher.DECRYPT_MODE, index, last);
            return cipher.doFinal(sealed, 0, length, plain, 0);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }

    private void start(int mode, long index, boolean last) throws GeneralSecurityException {
        System.arraycopy(baseNonce, 0, nonce, 0, nonce.length);
        for (int i = 0; i < Long.BYTES; i++) {
            nonce[nonce.length - 1 - i] ^= (byte) (index >>> (8 * i));
        }
        cipher.init(mode, dataKey, new GCMParameterSpec(FileHeader.TAG_BITS, nonce));
        cipher.updateAAD(prefix);
        cipher.updateAAD(last ? FINAL : NOT_FINAL);
    }
}
