package dev.llmops.studio.dataset;

import java.util.List;
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

    // The lookbehind lets a match start only where a word starts, so each run of local-part characters is scanned
    // once (the possessive quantifiers never give characters back): linear in the text length.
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
        Matcher matcher = EMAIL.matcher(text);
        while (matcher.find()) {
            int at = text.indexOf('@', matcher.start());
            boolean plausibleLengths = at - matcher.start() <= MAX_LOCAL_LENGTH
                    && matcher.end() - matcher.start() <= MAX_ADDRESS_LENGTH;
            if (plausibleLengths && !FILE_EXTENSIONS.contains(matcher.group(1).toLowerCase())) {
                into.add(new PiiMatch(PiiType.EMAIL, matcher.start(), matcher.end()));
            }
        }
    }
}
