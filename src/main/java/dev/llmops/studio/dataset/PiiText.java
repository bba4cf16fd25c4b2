package dev.llmops.studio.dataset;

/** Character classes the PII finders share, so that they agree on where a value ends and a word begins. */
final class PiiText {

    private PiiText() {
    }

    /** ASCII only: other scripts' digits do not occur in the formats we recognise. */
    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** A character that makes a candidate part of a longer word or identifier (any script). */
    static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    static boolean isWordCharAt(String text, int index) {
        return index >= 0 && index < text.length() && isWordChar(text.charAt(index));
    }

    static boolean isDigitAt(String text, int index) {
        return index >= 0 && index < text.length() && isDigit(text.charAt(index));
    }

    static char charAt(String text, int index) {
        return index >= 0 && index < text.length() ? text.charAt(index) : '\0';
    }
}
