package dev.llmops.studio.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Phone numbers and payment card numbers. Both are digit groups, so both are judged on the same <em>number
 * runs</em>: a maximal stretch of digit groups joined by single separators (space, dash, dot), optionally after a
 * {@code +}, where a group may start with a parenthesised part ({@code (415)}, {@code (0)30}). A run glued to a
 * word ({@code v1.2.3}, {@code ORD-2024-001234}, {@code 12kg}, {@code 02-687535-fix.patch}), to a currency symbol,
 * to {@code +} or {@code ~}, or continued by {@code ,5 :30 /7 %} is a version, identifier, amount, time or
 * fraction, and is neither; so is a run continuing IBAN-shaped text whose check failed
 * ({@code NL30 TSAF 0632 3042 99}).
 *
 * <p>A phone number is a whole run (never a piece of one, so a longer number is not mistaken for a phone) with 7
 * to 15 digits (E.164) in one of these shapes:
 * <ul>
 * <li>international: {@code +} and a 1-3 digit country code ({@code +49 30 1234567}, {@code +44 (0)20 7946 0958},
 * {@code +1-415-555-0132}), compact only with at least 8 digits ({@code +4930123456}); or {@code 00} and the
 * country code as the first group and at least six more digits ({@code 0049 30 1234567});
 * <li>national with a trunk prefix: a first group of 2-5 digits starting with 0, then more groups, 8-12 digits
 * ({@code 030 1234567}, {@code 020 7946 0958}, {@code 06.12.34.56.78}, {@code 06-12345678}); here alone a slash
 * may follow the area code ({@code 030/1234567});
 * <li>a parenthesised area code first ({@code (415) 555-0132}, {@code (030) 1234567});
 * <li>North American 3-3-4 with an area code not starting with 0 or 1, optionally after {@code 1}
 * ({@code 415.555.0132}, {@code 1-800-555-0199}), and the 3-2-2-2 mobile layout ({@code 612 34 56 78}).
 * </ul>
 * Not phones: digits without any separator and without {@code +} (order and customer numbers look exactly like
 * that), decimals ({@code 02.147038}), runs containing a date ({@code 01.02.2024}, {@code 2024-01-31}), dotted
 * quads, thousands groupings
 * ({@code 1 299 000}), US ZIP+4 codes ({@code 02134-1234}), and 7-digit local numbers without an area code
 * ({@code 555-0132}), which look like any reference number.
 *
 * <p>A payment card is also a whole run: 13-19 digits, compact or grouped by one kind of separator (space or
 * dash) with a first group of four and the others of 3-6 ({@code 4111 1111 1111 1111}, {@code 3782 822463 10005}),
 * with a passing Luhn check and an issuer prefix whose brand issues that length. 13-digit Visa numbers are not
 * recognised: they were withdrawn long ago and collide with EAN-13 barcodes (German EANs start with 40-44).
 */
final class PhoneAndCardFinder {

    private static final int MIN_PHONE_DIGITS = 7;
    private static final int MAX_PHONE_DIGITS = 15;
    private static final int MIN_CARD_DIGITS = 13;
    private static final int MAX_CARD_DIGITS = 19;
    private static final int MAX_PARENTHESISED_DIGITS = 5;

    private static final Pattern COUNTRY_AND_CHECK_DIGITS = Pattern.compile("[A-Z]{2}\\d{2}");
    private static final Pattern IBAN_GROUP = Pattern.compile("[A-Z0-9]{4}");

    private static final Set<Integer> MAESTRO_PREFIXES = Set.of(5018, 5020, 5038, 5893, 6304, 6759, 6761, 6762, 6763);

    /** A digit group; {@code parenthesised} is the part in parentheses before the digits, or empty. */
    private record Group(int start, int end, String parenthesised, String digits) {

        boolean plain() {
            return parenthesised.isEmpty();
        }

        int digitCount() {
            return parenthesised.length() + digits.length();
        }
    }

    /** {@code separators.charAt(i)} joins group i and group i + 1. */
    private record Run(int start, int end, boolean plus, List<Group> groups, String separators, int digitCount) {
    }

    private PhoneAndCardFinder() {
    }

    static void find(String text, List<PiiMatch> into) {
        int pos = 0;
        while (pos < text.length()) {
            Run run = runAt(text, pos);
            if (run == null) {
                pos++;
                continue;
            }
            boolean longEnough = run.digitCount() >= MIN_PHONE_DIGITS;
            if (longEnough && !attachedToSurroundings(text, run)) {
                if (isPhone(run)) {
                    into.add(new PiiMatch(PiiType.PHONE, run.start(), run.end()));
                } else if (isCard(run)) {
                    into.add(new PiiMatch(PiiType.PAYMENT_CARD, run.start(), run.end()));
                }
            }
            pos = run.end();
        }
    }

    private static Run runAt(String text, int start) {
        boolean plus = text.charAt(start) == '+';
        Group group = groupAt(text, plus ? start + 1 : start);
        if (group == null) {
            return null;
        }
        List<Group> groups = new ArrayList<>();
        StringBuilder separators = new StringBuilder();
        groups.add(group);
        int digits = group.digitCount();
        while (true) {
            char separator = PiiText.charAt(text, group.end());
            boolean areaCodeSlash = separator == '/' && !plus && groups.size() == 1 && isAreaCode(group);
            Group next = isSeparator(separator) || areaCodeSlash ? groupAt(text, group.end() + 1) : null;
            if (next == null) {
                break;
            }
            separators.append(separator);
            groups.add(next);
            digits += next.digitCount();
            group = next;
        }
        return new Run(start, group.end(), plus, groups, separators.toString(), digits);
    }

    private static boolean isSeparator(char c) {
        return c == ' ' || c == '-' || c == '.';
    }

    /** "030/1234567": a slash after a trunk-prefixed area code, never after 1-2 digits as in 01/31/2024. */
    private static boolean isAreaCode(Group group) {
        return group.plain() && group.digits().startsWith("0") && group.digits().length() >= 3
                && group.digits().length() <= 5;
    }

    private static Group groupAt(String text, int start) {
        int pos = start;
        String parenthesised = "";
        if (PiiText.charAt(text, pos) == '(') {
            int close = pos + 1;
            while (PiiText.isDigitAt(text, close) && close - pos <= MAX_PARENTHESISED_DIGITS) {
                close++;
            }
            if (close == pos + 1 || PiiText.charAt(text, close) != ')') {
                return null;
            }
            parenthesised = text.substring(pos + 1, close);
            pos = close + 1;
        }
        int digitsStart = pos;
        while (PiiText.isDigitAt(text, pos)) {
            pos++;
        }
        if (parenthesised.isEmpty() && pos == digitsStart) {
            return null;
        }
        return new Group(start, pos, parenthesised, text.substring(digitsStart, pos));
    }

    /** '+' and '~' join the parts of version strings and build ids ({@code 1:14~++20220202101403+91632c8}). */
    private static boolean attachedToSurroundings(String text, Run run) {
        char before = PiiText.charAt(text, run.start() - 1);
        boolean gluedBefore = PiiText.isWordChar(before) || "@+~".indexOf(before) >= 0
                || (".-/,".indexOf(before) >= 0 && PiiText.isWordCharAt(text, run.start() - 2))
                || isCurrency(before) || (before == ' ' && isCurrency(PiiText.charAt(text, run.start() - 2)));
        char after = PiiText.charAt(text, run.end());
        boolean gluedAfter = PiiText.isWordChar(after) || "@%+~".indexOf(after) >= 0
                || (".,:".indexOf(after) >= 0 && PiiText.isDigitAt(text, run.end() + 1))
                || ("-/".indexOf(after) >= 0 && PiiText.isWordCharAt(text, run.end() + 1))
                || isCurrency(after) || (after == ' ' && isCurrency(PiiText.charAt(text, run.end() + 1)));
        return gluedBefore || gluedAfter || continuesIbanShapedText(text, run.start());
    }

    /**
     * Whether the run follows groups of four capitals and digits back to a country code and check digits, as in
     * {@code NL30 TSAF 0632 3042 99}: digits of an IBAN that failed its check are account digits, not a phone
     * or card number. An IBAN has at most eight groups before its last.
     */
    private static boolean continuesIbanShapedText(String text, int runStart) {
        int tokenEnd = runStart - 1;
        for (int groups = 0; groups < 8 && PiiText.charAt(text, tokenEnd) == ' '; groups++) {
            int tokenStart = tokenEnd - 4;
            if (tokenStart < 0 || PiiText.isWordCharAt(text, tokenStart - 1)) {
                return false;
            }
            String token = text.substring(tokenStart, tokenEnd);
            if (COUNTRY_AND_CHECK_DIGITS.matcher(token).matches()) {
                return true;
            }
            if (!IBAN_GROUP.matcher(token).matches()) {
                return false;
            }
            tokenEnd = tokenStart - 1;
        }
        return false;
    }

    private static boolean isCurrency(char c) {
        return Character.getType(c) == Character.CURRENCY_SYMBOL;
    }

    // --- phone numbers

    private static boolean isPhone(Run run) {
        List<Group> groups = run.groups();
        Group first = groups.get(0);
        int digits = run.digitCount();
        if (run.plus()) {
            return isInternational(run);
        }
        if (isDecimal(run) || isDottedQuad(run) || containsDate(run)) {
            return false;
        }
        if (!first.plain()) {
            return first.parenthesised().length() >= 2 && inPhoneRange(digits) && digits <= 12;
        }
        if (groups.size() < 2 || isZipPlusFour(run)) {
            return false;
        }
        String lead = first.digits();
        if (lead.startsWith("00")) {
            int subscriberDigits = digits - lead.length();
            return lead.length() >= 3 && lead.length() <= 5 && lead.charAt(2) != '0' && subscriberDigits >= 6
                    && inPhoneRange(digits - 2);
        }
        if (lead.startsWith("0")) {
            return lead.length() >= 2 && lead.length() <= 5 && digits >= 8 && digits <= 12;
        }
        return isNorthAmerican(groups) || isThreeTwoTwoTwo(groups);
    }

    private static boolean isInternational(Run run) {
        List<Group> groups = run.groups();
        Group countryCode = groups.get(0);
        if (!countryCode.plain() || countryCode.digits().startsWith("0")) {
            return false;
        }
        // "(0)" is the national trunk prefix written for callers inside the country; it is not dialled from abroad
        long trunkPrefixes = groups.stream().filter(group -> group.parenthesised().equals("0")).count();
        int dialled = run.digitCount() - (int) trunkPrefixes;
        if (groups.size() == 1) {
            return dialled >= 8 && dialled <= MAX_PHONE_DIGITS;
        }
        return countryCode.digits().length() <= 3 && inPhoneRange(dialled);
    }

    private static boolean inPhoneRange(int digits) {
        return digits >= MIN_PHONE_DIGITS && digits <= MAX_PHONE_DIGITS;
    }

    private static boolean isNorthAmerican(List<Group> groups) {
        List<Group> rest = groups.size() == 4 && groups.get(0).digits().equals("1") ? groups.subList(1, 4) : groups;
        return rest.size() == 3 && rest.stream().allMatch(Group::plain)
                && rest.get(0).digits().length() == 3 && rest.get(1).digits().length() == 3
                && rest.get(2).digits().length() == 4 && rest.get(0).digits().charAt(0) >= '2';
    }

    private static boolean isThreeTwoTwoTwo(List<Group> groups) {
        return groups.size() == 4 && groups.stream().allMatch(Group::plain)
                && groups.get(0).digits().length() == 3 && groups.get(0).digits().charAt(0) != '0'
                && groups.subList(1, 4).stream().allMatch(group -> group.digits().length() == 2);
    }

    /** US ZIP+4 (02134-1234); a national number with a five-digit area code is written with a space or slash. */
    private static boolean isZipPlusFour(Run run) {
        List<Group> groups = run.groups();
        return groups.size() == 2 && run.separators().equals("-") && groups.get(0).digits().length() == 5
                && groups.get(1).digits().length() == 4;
    }

    /** 02.147038: two groups joined by one dot is how decimals are written, zero-led or not. */
    private static boolean isDecimal(Run run) {
        return run.separators().equals(".");
    }

    private static boolean isDottedQuad(Run run) {
        return run.groups().size() == 4 && run.separators().chars().allMatch(c -> c == '.')
                && run.groups().stream().allMatch(group -> group.plain() && group.digits().length() <= 3);
    }

    /** Day, month and year (either order of day and month, or year first) joined by one kind of separator. */
    private static boolean containsDate(Run run) {
        List<Group> groups = run.groups();
        for (int i = 0; i + 2 < groups.size(); i++) {
            if (run.separators().charAt(i) != run.separators().charAt(i + 1)) {
                continue;
            }
            String a = groups.get(i).digits();
            String b = groups.get(i + 1).digits();
            String c = groups.get(i + 2).digits();
            boolean dayMonthYear = a.length() <= 2 && b.length() <= 2 && isYear(c)
                    && ((isDay(a) && isMonth(b)) || (isMonth(a) && isDay(b)));
            boolean yearMonthDay = isYear(a) && b.length() <= 2 && c.length() <= 2 && isMonth(b) && isDay(c);
            if (dayMonthYear || yearMonthDay) {
                return true;
            }
        }
        return false;
    }

    private static boolean isYear(String digits) {
        return digits.length() == 4 && (digits.startsWith("19") || digits.startsWith("20"));
    }

    private static boolean isMonth(String digits) {
        return !digits.isEmpty() && Integer.parseInt(digits) >= 1 && Integer.parseInt(digits) <= 12;
    }

    private static boolean isDay(String digits) {
        return !digits.isEmpty() && Integer.parseInt(digits) >= 1 && Integer.parseInt(digits) <= 31;
    }

    // --- payment cards

    /** Judged on the whole run, so that a longer number never yields a card-length piece that passes Luhn. */
    private static boolean isCard(Run run) {
        List<Group> groups = run.groups();
        if (run.plus() || run.separators().indexOf('.') >= 0 || run.separators().indexOf('/') >= 0
                || run.separators().chars().distinct().count() > 1 || !groups.stream().allMatch(Group::plain)) {
            return false;
        }
        boolean layout = groups.size() == 1 || (groups.get(0).digits().length() == 4
                && groups.stream().skip(1).allMatch(group -> group.digits().length() >= 3
                        && group.digits().length() <= 6));
        int digits = run.digitCount();
        if (!layout || digits < MIN_CARD_DIGITS || digits > MAX_CARD_DIGITS) {
            return false;
        }
        StringBuilder number = new StringBuilder(digits);
        groups.forEach(group -> number.append(group.digits()));
        return issuerIssuesLength(number) && passesLuhn(number);
    }

    /** Brands by issuer identification number (leading digits), each with the lengths it issues. */
    private static boolean issuerIssuesLength(CharSequence digits) {
        int length = digits.length();
        int two = Integer.parseInt(digits.subSequence(0, 2).toString());
        int three = Integer.parseInt(digits.subSequence(0, 3).toString());
        int four = Integer.parseInt(digits.subSequence(0, 4).toString());
        if (digits.charAt(0) == '4') {
            return length == 16 || length == 19; // Visa
        }
        if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720) || (four >= 2200 && four <= 2204)) {
            return length == 16; // Mastercard, Mir
        }
        if (two == 34 || two == 37) {
            return length == 15; // American Express
        }
        if ((three >= 300 && three <= 305) || two == 36 || two == 38 || two == 39) {
            return length >= 14; // Diners Club
        }
        if ((four >= 3528 && four <= 3589) || four == 6011 || (three >= 644 && three <= 649) || two == 65
                || two == 62 || MAESTRO_PREFIXES.contains(four)) {
            return length >= 16; // JCB, Discover, UnionPay, Maestro
        }
        return false;
    }

    private static boolean passesLuhn(CharSequence digits) {
        int sum = 0;
        boolean doubled = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int digit = digits.charAt(i) - '0';
            if (doubled) {
                digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
            }
            sum += digit;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }
}
