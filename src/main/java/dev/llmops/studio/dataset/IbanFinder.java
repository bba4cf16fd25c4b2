package dev.llmops.studio.dataset;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * IBANs (ISO 13616): country code, two check digits and the country's fixed-length account part, written compact
 * or in groups of four separated by single spaces, in either case (people type them in lower case). A candidate
 * counts only with the registered length for its country and a passing mod-97 check, so a mistyped or made-up
 * IBAN is not reported.
 */
final class IbanFinder {

    /** Total lengths from the SWIFT IBAN registry. */
    private static final Map<String, Integer> LENGTHS = Map.ofEntries(
            Map.entry("AD", 24), Map.entry("AE", 23), Map.entry("AL", 28), Map.entry("AT", 20), Map.entry("AZ", 28),
            Map.entry("BA", 20), Map.entry("BE", 16), Map.entry("BG", 22), Map.entry("BH", 22), Map.entry("BR", 29),
            Map.entry("BY", 28), Map.entry("CH", 21), Map.entry("CR", 22), Map.entry("CY", 28), Map.entry("CZ", 24),
            Map.entry("DE", 22), Map.entry("DK", 18), Map.entry("DO", 28), Map.entry("EE", 20), Map.entry("EG", 29),
            Map.entry("ES", 24), Map.entry("FI", 18), Map.entry("FO", 18), Map.entry("FR", 27), Map.entry("GB", 22),
            Map.entry("GE", 22), Map.entry("GI", 23), Map.entry("GL", 18), Map.entry("GR", 27), Map.entry("GT", 28),
            Map.entry("HR", 21), Map.entry("HU", 28), Map.entry("IE", 22), Map.entry("IL", 23), Map.entry("IQ", 23),
            Map.entry("IS", 26), Map.entry("IT", 27), Map.entry("JO", 30), Map.entry("KW", 30), Map.entry("KZ", 20),
            Map.entry("LB", 28), Map.entry("LC", 32), Map.entry("LI", 21), Map.entry("LT", 20), Map.entry("LU", 20),
            Map.entry("LV", 21), Map.entry("MC", 27), Map.entry("MD", 24), Map.entry("ME", 22), Map.entry("MK", 19),
            Map.entry("MR", 27), Map.entry("MT", 31), Map.entry("MU", 30), Map.entry("NL", 18), Map.entry("NO", 15),
            Map.entry("PK", 24), Map.entry("PL", 28), Map.entry("PS", 29), Map.entry("PT", 25), Map.entry("QA", 29),
            Map.entry("RO", 24), Map.entry("RS", 22), Map.entry("SA", 24), Map.entry("SC", 31), Map.entry("SE", 24),
            Map.entry("SI", 19), Map.entry("SK", 24), Map.entry("SM", 27), Map.entry("ST", 25), Map.entry("SV", 28),
            Map.entry("TL", 23), Map.entry("TN", 24), Map.entry("TR", 26), Map.entry("UA", 29), Map.entry("VA", 22),
            Map.entry("VG", 24), Map.entry("XK", 20));

    private static final int GROUP = 4;

    private IbanFinder() {
    }

    static void find(String text, List<PiiMatch> into) {
        int start = 0;
        while (start + GROUP <= text.length()) {
            int end = startsCountryAndCheckDigits(text, start) ? ibanEnd(text, start) : -1;
            if (end > 0) {
                into.add(new PiiMatch(PiiType.IBAN, start, end));
                start = end;
            } else {
                start++;
            }
        }
    }

    /** Two letters and two digits starting a word; checked by hand because this runs at every position. */
    private static boolean startsCountryAndCheckDigits(String text, int start) {
        return PiiText.isDigit(text.charAt(start + 3)) && PiiText.isDigit(text.charAt(start + 2))
                && isAsciiLetter(text.charAt(start)) && isAsciiLetter(text.charAt(start + 1))
                && !PiiText.isWordCharAt(text, start - 1);
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    /** The end of a valid IBAN starting at {@code start}, or -1. */
    private static int ibanEnd(String text, int start) {
        Integer length = LENGTHS.get(text.substring(start, start + 2).toUpperCase(Locale.ROOT));
        int end = length == null ? -1 : accountPartEnd(text, start + GROUP, length - GROUP);
        boolean valid = end > 0 && mod97(compact(text.substring(start, end)).toUpperCase(Locale.ROOT)) == 1;
        return valid ? end : -1;
    }

    /**
     * Where exactly {@code count} account characters starting at {@code from} end, with single spaces allowed only
     * between groups of four; -1 when the text has fewer, or more that would make the candidate part of a longer
     * token.
     */
    private static int accountPartEnd(String text, int from, int count) {
        int pos = from;
        int taken = 0;
        while (taken < count) {
            char c = PiiText.charAt(text, pos);
            if (isAccountChar(c)) {
                taken++;
                pos++;
            } else if (c == ' ' && taken % GROUP == 0 && isAccountChar(PiiText.charAt(text, pos + 1))) {
                pos++;
            } else {
                return -1;
            }
        }
        boolean continues = PiiText.isWordCharAt(text, pos) || PiiText.charAt(text, pos) == '@';
        return continues ? -1 : pos;
    }

    private static boolean isAccountChar(char c) {
        return PiiText.isDigit(c) || isAsciiLetter(c);
    }

    private static String compact(String iban) {
        return iban.replace(" ", "");
    }

    /** ISO 7064 mod 97-10 over the IBAN rearranged with its first four characters moved to the end. */
    private static int mod97(String iban) {
        String rearranged = iban.substring(GROUP) + iban.substring(0, GROUP);
        int remainder = 0;
        for (int i = 0; i < rearranged.length(); i++) {
            char c = rearranged.charAt(i);
            if (PiiText.isDigit(c)) {
                remainder = (remainder * 10 + (c - '0')) % 97;
            } else {
                remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
            }
        }
        return remainder;
    }
}
