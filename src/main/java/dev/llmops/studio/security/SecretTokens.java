package dev.llmops.studio.security;

import dev.llmops.studio.platform.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Bearer secrets (personal API tokens, worker tokens): 256 random bits behind a type prefix, stored only as
 * SHA-256. A fast hash is right here: unlike a password the secret cannot be guessed from a dictionary.
 */
public final class SecretTokens {

    /** How much of a secret may be stored and shown to tell tokens apart. */
    public static final int VISIBLE_PREFIX = 12;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

    private SecretTokens() {
    }

    public static String generate(String prefix) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** last_used_at is a hint for owners, not a log: written at most once a minute per token. */
    public static boolean dueForTouch(OffsetDateTime lastUsedAt, OffsetDateTime now) {
        return lastUsedAt == null || lastUsedAt.plus(TOUCH_INTERVAL).isBefore(now);
    }

    /** A token's name, trimmed; 1 to 100 characters, with an example of what to call it in the refusal. */
    public static String checkedName(String name, String example) {
        String trimmed = name == null ? "" : name.trim();
        if (trimmed.isEmpty() || trimmed.length() > 100) {
            throw new InvalidRequestException("name", "Give the token a name of 1 to 100 characters, e.g. " + example
                    + ".");
        }
        return trimmed;
    }

    public static String visiblePrefix(String secret) {
        return secret.substring(0, Math.min(VISIBLE_PREFIX, secret.length()));
    }

    public static String sha256(String secret) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Plausible secret of this type: right prefix and not absurdly long (no hashing of megabyte headers). */
    public static boolean looksLike(String secret, String prefix) {
        return secret != null && secret.startsWith(prefix) && secret.length() <= 100;
    }
}
