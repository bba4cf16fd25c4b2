package dev.llmops.studio.dataset;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Finds personal data in free text (e-mail addresses, phone numbers, IBANs, payment card numbers, IP addresses),
 * redacts it and masks samples for reports. Rules per kind are documented on {@link EmailFinder},
 * {@link PhoneAndCardFinder}, {@link IbanFinder} and {@link IpAddressFinder}; the quality on a labelled synthetic
 * set is reported by {@link PiiQuality}.
 *
 * <p>Stateless and thread-safe: the patterns are compiled once. Every finder works in time linear in the text
 * (bounded quantifiers, possessive runs, hand-written scanners), so hostile input cannot stall an upload.
 */
public final class PiiDetector {

    /**
     * Which match survives where candidates overlap: a checksum (mod 97, Luhn) is the strongest evidence, a
     * structural format (e-mail, IP) next, the phone layouts last; then the longer span. So an IBAN's or card's
     * digits are never also reported as a phone number, and an IPv4 tail does not split an IPv6 address.
     */
    private static final Map<PiiType, Integer> EVIDENCE_RANK = Map.of(
            PiiType.IBAN, 0, PiiType.PAYMENT_CARD, 0, PiiType.EMAIL, 1, PiiType.IP_ADDRESS, 1, PiiType.PHONE, 2);

    private static final Comparator<PiiMatch> PREFERRED_FIRST = Comparator
            .comparingInt((PiiMatch match) -> EVIDENCE_RANK.get(match.type()))
            .thenComparing(Comparator.comparingInt(PiiMatch::length).reversed())
            .thenComparingInt(PiiMatch::start);

    /** Non-overlapping matches in text order. */
    public List<PiiMatch> find(String text) {
        Objects.requireNonNull(text, "text");
        List<PiiMatch> candidates = new ArrayList<>();
        EmailFinder.find(text, candidates);
        IbanFinder.find(text, candidates);
        PhoneAndCardFinder.find(text, candidates);
        IpAddressFinder.find(text, candidates);
        candidates.sort(PREFERRED_FIRST);
        TreeMap<Integer, PiiMatch> kept = new TreeMap<>();
        for (PiiMatch candidate : candidates) {
            Map.Entry<Integer, PiiMatch> before = kept.floorEntry(candidate.start());
            Map.Entry<Integer, PiiMatch> after = kept.ceilingEntry(candidate.start());
            boolean free = (before == null || !before.getValue().overlaps(candidate))
                    && (after == null || !after.getValue().overlaps(candidate));
            if (free) {
                kept.put(candidate.start(), candidate);
            }
        }
        return List.copyOf(kept.values());
    }

    /** The text with every match replaced by its type's placeholder, e.g. {@code <EMAIL>}. */
    public String redact(String text) {
        StringBuilder redacted = new StringBuilder(text.length());
        int copied = 0;
        for (PiiMatch match : find(text)) {
            redacted.append(text, copied, match.start()).append(match.type().placeholder());
            copied = match.end();
        }
        return redacted.append(text, copied, text.length()).toString();
    }

    /**
     * A sample for reports that never shows the whole value: {@code j***@e***.com}, {@code +49 *** *** *12},
     * {@code DE** **** **** **** **34 56}, {@code **** **** **** 1111}, {@code 192.168.*.*},
     * {@code 2001:db8:*:*}.
     */
    public static String mask(String value, PiiType type) {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(type, "type");
        return PiiMasks.mask(value, type);
    }
}
