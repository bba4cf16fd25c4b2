package dev.llmops.studio.dataset;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * IPv4 and IPv6 addresses, validated by parsing (no {@code InetAddress}, so never a DNS lookup).
 *
 * <p>IPv4: four decimal octets 0-255, either all zero-padded to three digits as some logs write them
 * ({@code 192.168.001.010}) or none (one padded octet among others, {@code 0.06.2.1}, is a version). A dotted
 * quad glued to a word ({@code v1.2.3.4}, {@code build-1.2.3.4}) or to a fifth number ({@code 1.2.3.4.5}) is a
 * version string, not an address; a free-standing quad is an address even after the word "version", because
 * over-redacting a rare four-part version is the safe side for personal data. A port or prefix length after the
 * address ({@code :8080}, {@code /24}) is not part of the match.
 *
 * <p>IPv6: eight groups of 1-4 hex digits, one {@code ::} standing for one or more zero groups, and an IPv4
 * tail in the last 32 bits ({@code ::ffff:192.0.2.1}). A zone ({@code %eth0}) and brackets are not part of the
 * match. A candidate must contain a decimal digit, so hex words joined by colons ({@code dead::beef},
 * {@code std::vector}) do not count.
 */
final class IpAddressFinder {

    private static final String OCTET = "(?:25[0-5]|2[0-4]\\d|[01]?\\d?\\d)";
    private static final Pattern IPV4 = Pattern.compile(
            "(?<![\\p{L}\\p{N}_.]|\\p{L}-)" + OCTET + "(?:\\." + OCTET + "){3}(?![\\p{L}\\p{N}_]|\\.\\d)");
    private static final Pattern IPV4_EXACT = Pattern.compile(OCTET + "(?:\\." + OCTET + "){3}");

    /** "255.255.255.255", or zero-padded "001.002.003.004". */
    private static final int MAX_IPV4_LENGTH = 15;
    /** "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255": anything longer is not one address. */
    private static final int MAX_IPV6_LENGTH = 45;
    private static final int IPV6_GROUPS = 8;

    private IpAddressFinder() {
    }

    static void find(String text, List<PiiMatch> into) {
        findIpv4(text, into);
        findIpv6(text, into);
    }

    /** Tries the pattern only where a run of digits starts; transparent bounds let the lookarounds see around. */
    private static void findIpv4(String text, List<PiiMatch> into) {
        Matcher matcher = IPV4.matcher(text).useTransparentBounds(true);
        int pos = 0;
        while (pos < text.length()) {
            if (!PiiText.isDigit(text.charAt(pos)) || PiiText.isDigitAt(text, pos - 1)) {
                pos++;
                continue;
            }
            matcher.region(pos, Math.min(text.length(), pos + MAX_IPV4_LENGTH));
            if (matcher.lookingAt() && consistentlyPadded(matcher.group()) && hostOrAny(matcher.group())) {
                into.add(new PiiMatch(PiiType.IP_ADDRESS, pos, matcher.end()));
                pos = matcher.end();
            } else {
                pos++;
            }
        }
    }

    /** Logs pad every octet to three digits; one padded octet among others ({@code 0.06.2.1}) is a version. */
    private static boolean consistentlyPadded(String address) {
        String[] octets = address.split("\\.");
        boolean padded = Arrays.stream(octets).anyMatch(octet -> octet.length() > 1 && octet.startsWith("0"));
        return !padded || Arrays.stream(octets).allMatch(octet -> octet.length() == 3);
    }

    /** 0.x.x.x is "this network", never a host's address, while 0.9.1.2 is a common version; 0.0.0.0 is "any". */
    private static boolean hostOrAny(String address) {
        return !address.startsWith("0.") || address.equals("0.0.0.0");
    }

    /**
     * Every address holds a colon: from each one, the run of hex digits, colons and dots around it is the
     * candidate. Expansion stops one character past the longest address, so a long run costs a bounded amount per
     * colon.
     */
    private static void findIpv6(String text, List<PiiMatch> into) {
        int colon = text.indexOf(':');
        while (colon >= 0) {
            int start = colon;
            while (start > 0 && colon - start <= MAX_IPV6_LENGTH && isIpv6Char(text.charAt(start - 1))) {
                start--;
            }
            int end = colon + 1;
            while (end < text.length() && end - start <= MAX_IPV6_LENGTH && isIpv6Char(text.charAt(end))) {
                end++;
            }
            boolean maximal = (start == 0 || !isIpv6Char(text.charAt(start - 1)))
                    && (end == text.length() || !isIpv6Char(text.charAt(end)));
            if (maximal) {
                addIfIpv6(text, start, end, into);
            }
            colon = text.indexOf(':', end);
        }
    }

    /** Trims the punctuation that ends a sentence or a label ("IP:") off the run, then validates what is left. */
    private static void addIfIpv6(String text, int runStart, int runEnd, List<PiiMatch> into) {
        int start = runStart;
        int end = runEnd;
        while (start < end && text.charAt(start) == '.') {
            start++;
        }
        if (text.startsWith(":", start) && !text.startsWith("::", start)) {
            start++;
        }
        while (end > start && text.charAt(end - 1) == '.') {
            end--;
        }
        if (end - start >= 2 && text.charAt(end - 1) == ':' && text.charAt(end - 2) != ':') {
            end--;
        }
        if (end - start > MAX_IPV6_LENGTH || PiiText.isWordCharAt(text, start - 1)
                || PiiText.isWordCharAt(text, end)) {
            return;
        }
        String candidate = text.substring(start, end);
        boolean twoColons = candidate.indexOf(':') != candidate.lastIndexOf(':');
        if (twoColons && candidate.chars().anyMatch(c -> PiiText.isDigit((char) c)) && isIpv6(candidate)) {
            into.add(new PiiMatch(PiiType.IP_ADDRESS, start, end));
        }
    }

    private static boolean isIpv6Char(char c) {
        return PiiText.isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
    }

    private static boolean isIpv6(String candidate) {
        int doubleColon = candidate.indexOf("::");
        if (doubleColon >= 0 && candidate.indexOf("::", doubleColon + 1) >= 0) {
            return false;
        }
        if (doubleColon < 0) {
            return countGroups(candidate, true) == IPV6_GROUPS;
        }
        String head = candidate.substring(0, doubleColon);
        String tail = candidate.substring(doubleColon + 2);
        int headGroups = head.isEmpty() ? 0 : countGroups(head, false);
        int tailGroups = tail.isEmpty() ? 0 : countGroups(tail, true);
        return headGroups >= 0 && tailGroups >= 0 && headGroups + tailGroups < IPV6_GROUPS;
    }

    /** 16-bit groups in a colon-separated list (an IPv4 tail counts two), or -1 when one is malformed. */
    private static int countGroups(String part, boolean ipv4TailAllowed) {
        String[] fields = part.split(":", -1);
        int groups = 0;
        for (int i = 0; i < fields.length; i++) {
            String field = fields[i];
            boolean last = i == fields.length - 1;
            if (last && ipv4TailAllowed && field.indexOf('.') >= 0) {
                if (!IPV4_EXACT.matcher(field).matches()) {
                    return -1;
                }
                groups += 2;
            } else if (isHexGroup(field)) {
                groups++;
            } else {
                return -1;
            }
        }
        return groups;
    }

    private static boolean isHexGroup(String field) {
        if (field.isEmpty() || field.length() > 4) {
            return false;
        }
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (!(PiiText.isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return true;
    }
}
