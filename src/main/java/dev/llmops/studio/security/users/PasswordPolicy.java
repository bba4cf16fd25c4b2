package dev.llmops.studio.security.users;

import dev.llmops.studio.platform.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/** Rules every new password meets, checked the same way in forms and in the API. */
public final class PasswordPolicy {

    public static final int MIN_LENGTH = 12;
    /** bcrypt reads at most 72 bytes; longer passwords would be silently cut, so they are refused. */
    public static final int MAX_BYTES = 72;

    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordPolicy() {
    }

    /** @return a message naming what is wrong, or {@code null} when the password is acceptable */
    public static String problem(String password, String username) {
        if (password == null || password.codePointCount(0, password.length()) < MIN_LENGTH) {
            return "Password must be at least " + MIN_LENGTH + " characters long.";
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return "Password must be at most " + MAX_BYTES + " bytes (about " + MAX_BYTES + " plain characters).";
        }
        if (password.isBlank()) {
            return "Password must not be only spaces.";
        }
        if (username != null && password.equalsIgnoreCase(username)) {
            return "Password must differ from the user name.";
        }
        return null;
    }

    /** A random password that meets the policy: 20 characters without look-alikes (about 117 bits). */
    public static String generate() {
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            password.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }

    static void check(String password, String username) {
        String problem = problem(password, username);
        if (problem != null) {
            throw new InvalidRequestException("password", problem);
        }
    }
}
