package dev.llmops.studio.dataset;

import java.util.Arrays;
import java.util.List;

/**
 * Masked samples for reports: enough to recognise the kind and origin of a value (country code, card's last
 * four, address prefix), never enough to restore it. Whatever the input, less than half of its letters and digits
 * show.
 */
final class PiiMasks {

    private static final String HIDDEN = "***";

    private PiiMasks() {
    }

    static String mask(String value, PiiType type) {
        return switch (type) {
            case EMAIL -> email(value);
            case PHONE -> keepEnds(value, phoneCountryCodeLength(value), 2);
            case IBAN -> keepEnds(value, 2, 4);
            case PAYMENT_CARD -> keepEnds(value, 0, 4);
            case IP_ADDRESS -> value.indexOf(':') >= 0 ? ipv6(value) : ipv4(value);
        };
    }

    private static String email(String value) {
        int at = value.lastIndexOf('@');
        int dot = value.lastIndexOf('.');
        if (at <= 0 || at == value.length() - 1 || dot < at) {
            return keepEnds(value, 0, 0);
        }
        return firstCodePoint(value) + HIDDEN + "@" + firstCodePoint(value.substring(at + 1)) + HIDDEN
                + value.substring(dot);
    }

    private static String firstCodePoint(String value) {
        return value.substring(0, Character.charCount(value.codePointAt(0)));
    }

    /** The country code shows only where the number says where it is: after {@code +} or {@code 00}. */
    private static int phoneCountryCodeLength(String value) {
        int digits = 0;
        while (digits + 1 < value.length() && PiiText.isDigit(value.charAt(digits + 1))) {
            digits++;
        }
        boolean groupFollows = digits + 1 < value.length();
        if (value.startsWith("+") && digits <= 3 && groupFollows) {
            return digits;
        }
        if (value.startsWith("00") && digits + 1 <= 5 && groupFollows) {
            return digits + 1;
        }
        return 0;
    }

    private static String ipv4(String value) {
        String[] octets = value.split("\\.");
        return octets.length == 4 ? octets[0] + "." + octets[1] + ".*.*" : keepEnds(value, 0, 0);
    }

    /** Up to the first two groups as written (at most the network prefix, never the last group), then {@code *:*}. */
    private static String ipv6(String value) {
        String prefix = value.startsWith("::") ? "::" : "";
        List<String> groups = Arrays.asList(value.substring(prefix.length()).split(":+"));
        int shown = Math.min(2, groups.size() - 1);
        return shown <= 0 ? "*:*" : prefix + String.join(":", groups.subList(0, shown)) + ":*:*";
    }

    /**
     * Shows the first {@code leading} and last {@code trailing} letters and digits, stars the others and keeps
     * separators, so the layout stays recognisable. Shortens what shows until it is less than half.
     */
    private static String keepEnds(String value, int leading, int trailing) {
        int significant = (int) value.chars().filter(Character::isLetterOrDigit).count();
        if (significant == 0) {
            return HIDDEN;
        }
        int budget = (significant - 1) / 2;
        while (leading + trailing > budget) {
            if (trailing >= leading) {
                trailing--;
            } else {
                leading--;
            }
        }
        StringBuilder masked = new StringBuilder(value.length());
        int index = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!Character.isLetterOrDigit(c)) {
                masked.append(c);
                continue;
            }
            boolean shown = index < leading || index >= significant - trailing;
            masked.append(shown ? c : '*');
            index++;
        }
        return masked.toString();
    }
}
