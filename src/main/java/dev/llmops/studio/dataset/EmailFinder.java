package dev.llmops.studio.dataset;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * E-mail addresses: a dot-atom local part (letters of any script, digits, {@code _ % + -}, and an apostrophe
 * inside it as in o'brien, never first, so a quoting apostrophe stays outside), {@code @}, one or more
 * domain labels and a top-level domain of 2 to 24 letters. Quoted local parts and IP-literal domains
 * ({@code user@[10.0.0.1]}) are not recognised: they hardly occur in prose.
 */
final class EmailFinder {

    private static final String ALNUM = "\\p{L}\\p{N}";
    private static final String LOCAL_CHAR = "[" + ALNUM + "_%+\\-]";
    private static final String LABEL = "[" + ALNUM + "](?:[" + ALNUM + "\\-]{0,61}[" + ALNUM + "])?";

    // The lookbehind lets a match start only where a word starts, and the possessive quantifiers never give
    // characters back, so a region is scanned in linear time.
    private static final Pattern EMAIL = Pattern.compile(
            "(?<![" + ALNUM + "_%+\\-.@])"
            + LOCAL_CHAR + "++(?:[.']" + LOCAL_CHAR + "++)*+"
            + "@(?:" + LABEL + "\\.){1,10}(\\p{L}{2,24})"
            + "(?![" + ALNUM + "_\\-@]|\\.[" + ALNUM + "])");

    // Retina assets and attachments (icon@2x.png, scan@home.pdf) look like addresses but end in a file extension.
    private static final Set<String> FILE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "gif", "svg", "webp", "bmp",
            "pdf", "txt", "csv", "json", "xml", "html", "htm", "css", "js", "log");

    private static final int MAX_LOCAL_LENGTH = 64;
    private static final int MAX_ADDRESS_LENGTH = 254;

    private EmailFinder() {
    }

    static void find(String text, List<PiiMatch> into) {
        // Only an '@' can anchor an address, and its local part starts where the word does (or after an apostrophe
        // quoting it): trying the pattern there alone is far cheaper than at every position. Transparent bounds
        // let the lookarounds see past the region.
        Matcher matcher = EMAIL.matcher(text).useTransparentBounds(true);
        int at = text.indexOf('@');
        while (at >= 0) {
            int end = Math.min(text.length(), at + MAX_ADDRESS_LENGTH);
            int next = at + 1;
            for (int start = wordStart(text, at); start < at; start = apostropheAfter(text, start, at)) {
                matcher.region(start, end);
                if (matcher.lookingAt()) {
                    addIfPlausible(text, matcher, into);
                    next = matcher.end();
                    break;
                }
            }
            at = text.indexOf('@', next);
        }
    }

    private static int wordStart(String text, int at) {
        int start = at;
        while (start > 0 && at - start <= MAX_LOCAL_LENGTH && isLocalPartChar(text.charAt(start - 1))) {
            start--;
        }
        return start;
    }

    private static boolean isLocalPartChar(char c) {
        return Character.isLetterOrDigit(c) || "_%+-.'".indexOf(c) >= 0;
    }

    /** The position after the next apostrophe in [from, to), or {@code to}. */
    private static int apostropheAfter(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == '\'') {
                return i + 1;
            }
        }
        return to;
    }

    private static void addIfPlausible(String text, Matcher matcher, List<PiiMatch> into) {
        int at = text.indexOf('@', matcher.start());
        boolean plausibleLengths = at - matcher.start() <= MAX_LOCAL_LENGTH
                && matcher.end() - matcher.start() <= MAX_ADDRESS_LENGTH;
        if (plausibleLengths && !FILE_EXTENSIONS.contains(matcher.group(1).toLowerCase(Locale.ROOT))) {
            into.add(new PiiMatch(PiiType.EMAIL, matcher.start(), matcher.end()));
        }
    }
}
