package dev.llmops.studio.vault;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Address of an encrypted file in the {@link ModelVault}: 128 random bits, written {@code vault:<32 hex>}.
 * Random on purpose, not a hash of the content as in the artifact store: a plaintext hash as file name would let
 * anyone who can list the folder confirm that a known model (a public checkpoint) is stored, which is part of
 * what encryption at rest is to hide; and distinct training runs rarely produce equal packages to deduplicate.
 */
public record VaultRef(String id) {

    private static final String PREFIX = "vault:";
    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public VaultRef {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("Not a vault reference id (32 lower-case hex digits): " + id);
        }
    }

    static VaultRef random() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return new VaultRef(HexFormat.of().formatHex(bytes));
    }

    /** Reads {@code vault:<id>} (as {@link #toString()} writes it, e.g. from a database column) or a bare id. */
    public static VaultRef parse(String text) {
        return new VaultRef(text.startsWith(PREFIX) ? text.substring(PREFIX.length()) : text);
    }

    @Override
    public String toString() {
        return PREFIX + id;
    }
}
