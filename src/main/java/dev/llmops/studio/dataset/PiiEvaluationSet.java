package dev.llmops.studio.dataset;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A labelled, synthetic evaluation set for {@link PiiDetector}: customer-support style sentences with the exact
 * spans of every e-mail address, phone number, IBAN, payment card number and IP address in them, and many hard
 * negatives (dates, times, prices, order and reference numbers, versions, ISBNs and EANs, card numbers failing
 * Luhn, IBANs failing mod 97, text that looks like an address but is not one).
 *
 * <p>Everything is generated from a seeded {@link Random}: names are made of random syllables, numbers of random
 * digits (US and UK numbers in the ranges reserved for fiction), so no real person's data is in it. Check digits
 * (mod 97, Luhn) are computed here independently of the detector, so a bug in the detector's checks shows as
 * errors. Hard negatives are invalid by construction (a card-shaped number fails Luhn or has no brand of its
 * length, a broken IBAN fails mod 97), because a valid one would be indistinguishable from the real thing.
 */
final class PiiEvaluationSet {

    /** One generated sentence and its ground truth. */
    record Sentence(String text, List<PiiMatch> truth) {

        Sentence {
            truth = List.copyOf(truth);
        }
    }

    private static final String[] SYLLABLES = {"ka", "lo", "mi", "ra", "ten", "ber", "san", "dro", "li", "ne", "vo",
        "xu", "pe", "ja", "mo", "ri", "ta", "el", "an", "ur", "kon", "sel", "fi", "go", "ha", "wen", "ti", "bo"};
    private static final String[] ACCENTED_SYLLABLES = {"mü", "jö", "zé", "ça", "ñe", "å"};
    private static final String[] EXAMPLE_DOMAINS = {"example.com", "example.org", "example.net", "mail.example.de",
        "support.example.co.uk", "example-shop.fr", "kunden.example.at", "example.io", "uni-example.edu",
        "example.nl", "example.es", "example.it", "example.ch", "post.example.info", "example.technology"};
    private static final String[] TOP_LEVEL_DOMAINS = {"com", "org", "net", "de", "fr", "nl", "es", "it", "ch", "at",
        "io", "co.uk", "com.au", "info", "eu", "dev", "online", "pl", "se"};

    /** 'N' a digit 2-9, 'D' 1-9, 'd' 0-9, anything else as written. */
    private static final String[] PHONE_LAYOUTS = {
        // Germany
        "+49 30 Dddddd", "+49 (0)30 Dddd dddd", "+49 15D dddddddd", "+49 17D Dddddd", "030 Dddddd",
        "0Dd Dddddd", "0Ddd Dddddd", "0DDD Ddddd", "030-Dddddd", "+49-89-Dddddd", "0049 89 Dddddd",
        "+4915DDddddddd", "0Ddd-Dddddd", "030/Dddddd", "0Ddd/Dddddd",
        // United States (555-01xx is reserved for fiction)
        "+1 (Ndd) 555-01dd", "+1 Ndd 555 01dd", "(Ndd) 555-01dd", "Ndd-555-01dd", "Ndd.555.01dd",
        "1-800-555-01dd", "+1-Ndd-555-01dd", "+1Ndd55501dd", "Ndd 555 01dd",
        // United Kingdom
        "+44 20 7946 0ddd", "+44 (0)20 7946 0ddd", "020 7946 0ddd", "07700 900ddd", "+44 7700 900ddd",
        "0161 496 0ddd", "+44 161 496 0ddd",
        // France
        "+33 D dd dd dd dd", "0D dd dd dd dd", "0D.dd.dd.dd.dd", "+33 (0)D dd dd dd dd", "0D-dd-dd-dd-dd",
        // Netherlands, Spain, Italy, Switzerland, Austria, Poland
        "+31 20 ddd dddd", "020-ddd dddd", "06-Ddddddd", "+31 6 Ddddddd",
        "+34 9dd ddd ddd", "+34 6dd dd dd dd", "6dd dd dd dd", "9dd dd dd dd",
        "+39 06 dddd dddd", "06 dddd dddd", "3dd ddd dddd", "+39 3dd ddd dddd", "02-dddd-dddd",
        "+41 44 ddd dd dd", "044 ddd dd dd", "+41 (0)44 ddd dd dd", "0041 44 ddd dd dd",
        "+43 1 ddddddd", "01 ddddddd", "0664 ddddddd", "+48 dd ddd dd dd", "+48 ddd ddd ddd",
        // India, Japan, Australia, Brazil
        "+91 98ddd ddddd", "+81 3-dddd-dddd", "03-dddd-dddd", "+61 2 dddd dddd", "(02) dddd dddd",
        "04dd ddd ddd", "+55 11 9dddd-dddd"};

    /**
     * Real layouts the detector leaves alone by design, because they look exactly like reference numbers: a
     * 7-digit local number and a national number without separators. They are a fixed share of the phone
     * positives so that recall shows what the rule costs.
     */
    private static final String[] UNDETECTED_PHONE_LAYOUTS = {"555-01dd", "030Dddddd", "0DddDddddd"};
    private static final double UNDETECTED_PHONE_SHARE = 0.02;

    /** Country, then the account part: 'n' digits, 'a' upper-case letters, 'c' either, each with a count. */
    private static final String[][] IBAN_LAYOUTS = {
        {"DE", "n18"}, {"FR", "n10c11n2"}, {"GB", "a4n14"}, {"NL", "a4n10"}, {"ES", "n20"}, {"IT", "a1n10c12"},
        {"BE", "n12"}, {"AT", "n16"}, {"CH", "n5c12"}, {"PL", "n24"}, {"SE", "n20"}, {"NO", "n11"},
        {"DK", "n14"}, {"FI", "n14"}, {"IE", "a4n14"}, {"PT", "n21"}, {"LU", "n3c13"}, {"MT", "a4n5c18"},
        {"GR", "n7c16"}, {"CZ", "n20"}, {"HU", "n24"}, {"RO", "a4c16"}, {"SK", "n20"}, {"SI", "n15"},
        {"HR", "n17"}, {"LT", "n16"}, {"LV", "a4c13"}, {"EE", "n16"}, {"BG", "a4n6c8"}, {"CY", "n8c16"},
        {"IS", "n22"}, {"LI", "n5c12"}, {"MC", "n10c11n2"}, {"SA", "n2c18"}, {"TR", "n6c16"}};

    private static final String[] EMAIL_CONTEXTS = {"Please write to %s", "my e-mail is %s", "Contact: <%s>",
        "send the invoice to %s, not to the old address", "(%s)", "reply-to: %s", "\"%s\" bounced yesterday",
        "CC %s and %s", "mailto:%s", "Email:%s", "you can reach %s until Friday", "my colleague %s knows more"};
    private static final String[] PHONE_CONTEXTS = {"Please call me at %s", "my number is %s", "Tel.: %s",
        "reach the hotline on %s (Mon-Fri)", "mobile %s, landline %s", "you can text %s anytime",
        "call (%s) after six", "Phone: %s", "my new number: %s", "ring %s, ask for the duty manager"};
    private static final String[] IBAN_CONTEXTS = {"My IBAN is %s", "please transfer the refund to %s",
        "IBAN: %s (BIC follows)", "account %s, holder on file", "Bank details - %s", "refund to IBAN %s",
        "the old account %s is closed"};
    private static final String[] CARD_CONTEXTS = {"My card number is %s", "charge %s please",
        "card: %s exp 09/27", "the payment with %s failed", "cc# %s", "use %s for the renewal",
        "I paid with card %s on Monday"};
    private static final String[] IPV4_CONTEXTS = {"Server %s is down", "login from %s was blocked",
        "ssh admin@%s", "client IP %s", "connect to %s:8080", "the request came from %s, see logs",
        "allow %s/24 in the firewall", "ping %s", "traffic between %s and %s spiked"};
    private static final String[] IPV6_CONTEXTS = {"Server %s is down", "login from %s was blocked",
        "client IP %s", "connect to [%s]:8443", "the request came from %s, see logs", "ping6 %s",
        "link-local %s%%eth0 answers"};

    private static final String[] CONNECTORS = {". ", "; ", ", and ", " - ", "! ", ". Also, ", "\n", " / ",
        " but ", ". Then "};
    private static final String[] ENDINGS = {".", "!", "?", "", "...", " :)"};

    private static final double POSITIVE_SHARE = 0.45;

    private final Random random;

    private PiiEvaluationSet(long seed) {
        random = new Random(seed);
    }

    static List<Sentence> generate(long seed, int count) {
        PiiEvaluationSet generator = new PiiEvaluationSet(seed);
        List<Sentence> sentences = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            sentences.add(generator.sentence());
        }
        return sentences;
    }

    private Sentence sentence() {
        SentenceBuilder sentence = new SentenceBuilder();
        int clauses = 1 + random.nextInt(3);
        for (int i = 0; i < clauses; i++) {
            if (i > 0) {
                sentence.text(pick(CONNECTORS));
            }
            if (random.nextDouble() < POSITIVE_SHARE) {
                positiveClause(sentence);
            } else {
                sentence.text(negativeClause());
            }
        }
        sentence.text(pick(ENDINGS));
        return sentence.build();
    }

    // --- positives

    private void positiveClause(SentenceBuilder sentence) {
        switch (PiiType.values()[random.nextInt(PiiType.values().length)]) {
            case EMAIL -> sentence.fill(pick(EMAIL_CONTEXTS), PiiType.EMAIL, this::email);
            case PHONE -> sentence.fill(pick(PHONE_CONTEXTS), PiiType.PHONE, this::phone);
            case IBAN -> sentence.fill(pick(IBAN_CONTEXTS), PiiType.IBAN, this::iban);
            case PAYMENT_CARD -> sentence.fill(pick(CARD_CONTEXTS), PiiType.PAYMENT_CARD, this::card);
            case IP_ADDRESS -> {
                if (random.nextBoolean()) {
                    sentence.fill(pick(IPV4_CONTEXTS), PiiType.IP_ADDRESS, this::ipv4);
                } else {
                    sentence.fill(pick(IPV6_CONTEXTS), PiiType.IP_ADDRESS, this::ipv6);
                }
            }
        }
    }

    private String phone() {
        boolean undetected = random.nextDouble() < UNDETECTED_PHONE_SHARE;
        return digits(pick(undetected ? UNDETECTED_PHONE_LAYOUTS : PHONE_LAYOUTS));
    }

    private String email() {
        String first = name();
        String last = name();
        String local = switch (random.nextInt(9)) {
            case 0 -> first + "." + last;
            case 1 -> first + "_" + last;
            case 2 -> first.charAt(0) + last;
            case 3 -> first + "." + last + "+" + pick(new String[] {"news", "shop", "2024", "tag"});
            case 4 -> first + (10 + random.nextInt(90));
            case 5 -> first.charAt(0) + "." + last + "-" + pick(new String[] {"sales", "hr", "it"});
            case 6 -> capitalise(first) + "." + capitalise(last);
            case 7 -> "o'" + last;
            default -> first + "." + (char) ('a' + random.nextInt(26)) + "." + last;
        };
        String domain = switch (random.nextInt(6)) {
            case 0, 1 -> pick(EXAMPLE_DOMAINS);
            case 2 -> "mail" + random.nextInt(10) + "." + name() + "." + pick(TOP_LEVEL_DOMAINS);
            case 3 -> name() + "-" + name() + "." + pick(TOP_LEVEL_DOMAINS);
            default -> name() + "." + pick(TOP_LEVEL_DOMAINS);
        };
        if (random.nextInt(10) == 0) {
            domain = capitalise(domain).replace(".com", ".COM");
        }
        return local + "@" + domain;
    }

    private String name() {
        StringBuilder name = new StringBuilder();
        int syllables = 2 + random.nextInt(2);
        for (int i = 0; i < syllables; i++) {
            name.append(random.nextInt(20) == 0 ? pick(ACCENTED_SYLLABLES) : pick(SYLLABLES));
        }
        return name.toString();
    }

    private static String capitalise(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }

    private String iban() {
        String[] layout = IBAN_LAYOUTS[random.nextInt(IBAN_LAYOUTS.length)];
        String account = accountPart(layout[1]);
        String iban = layout[0] + ibanCheckDigits(layout[0], account) + account;
        String written = random.nextInt(4) == 0 ? iban : groupsOfFour(iban);
        return random.nextInt(20) == 0 ? written.toLowerCase(Locale.ROOT) : written;
    }

    private String accountPart(String layout) {
        StringBuilder account = new StringBuilder();
        for (int i = 0; i < layout.length(); ) {
            char kind = layout.charAt(i);
            int digitsEnd = i + 1;
            while (digitsEnd < layout.length() && Character.isDigit(layout.charAt(digitsEnd))) {
                digitsEnd++;
            }
            int count = Integer.parseInt(layout.substring(i + 1, digitsEnd));
            for (int j = 0; j < count; j++) {
                boolean letter = kind == 'a' || (kind == 'c' && random.nextInt(3) == 0);
                account.append(letter ? (char) ('A' + random.nextInt(26)) : (char) ('0' + random.nextInt(10)));
            }
            i = digitsEnd;
        }
        return account.toString();
    }

    /** ISO 13616: 98 minus (account + country + "00", letters as 10-35) mod 97, on BigInteger. */
    static String ibanCheckDigits(String country, String account) {
        StringBuilder numeric = new StringBuilder();
        for (char c : (account + country + "00").toCharArray()) {
            numeric.append(Character.isDigit(c) ? String.valueOf(c) : String.valueOf(c - 'A' + 10));
        }
        int check = 98 - new BigInteger(numeric.toString()).mod(BigInteger.valueOf(97)).intValue();
        return String.format(Locale.ROOT, "%02d", check);
    }

    private static String groupsOfFour(String compact) {
        StringBuilder grouped = new StringBuilder();
        for (int i = 0; i < compact.length(); i += 4) {
            if (i > 0) {
                grouped.append(' ');
            }
            grouped.append(compact, i, Math.min(i + 4, compact.length()));
        }
        return grouped.toString();
    }

    private String card() {
        return cardLayout(cardNumber());
    }

    private String cardNumber() {
        return switch (random.nextInt(10)) {
            case 0 -> withLuhnDigit("4" + randomDigits(14));
            case 7 -> withLuhnDigit("62" + randomDigits(random.nextBoolean() ? 13 : 16));
            case 8 -> withLuhnDigit(pick(new String[] {"6759", "5018", "6304"}) + randomDigits(11));
            case 9 -> withLuhnDigit((2200 + random.nextInt(5)) + randomDigits(11));
            case 1 -> withLuhnDigit("4" + randomDigits(17));
            case 2 -> withLuhnDigit((51 + random.nextInt(5)) + randomDigits(13));
            case 3 -> withLuhnDigit((2221 + random.nextInt(500)) + randomDigits(11));
            case 4 -> withLuhnDigit((random.nextBoolean() ? "34" : "37") + randomDigits(12));
            case 5 -> withLuhnDigit(pick(new String[] {"6011", "6445", "6499", "6512"}) + randomDigits(11));
            default -> random.nextBoolean()
                    ? withLuhnDigit("36" + randomDigits(11))
                    : withLuhnDigit((3528 + random.nextInt(62)) + randomDigits(11));
        };
    }

    private String cardLayout(String number) {
        int style = random.nextInt(3);
        if (style == 0) {
            return number;
        }
        String separator = style == 1 ? " " : "-";
        if (number.length() == 14 || number.length() == 15) {
            return number.substring(0, 4) + separator + number.substring(4, 10) + separator + number.substring(10);
        }
        return groupsOfFour(number).replace(" ", separator);
    }

    /** The payload with the digit that makes the Luhn sum a multiple of ten. */
    static String withLuhnDigit(String payload) {
        int sum = 0;
        for (int i = 0; i < payload.length(); i++) {
            int digit = payload.charAt(payload.length() - 1 - i) - '0';
            // counting from the check digit's left neighbour, every first, third, ... digit is doubled
            int weighted = i % 2 == 0 ? digit * 2 : digit;
            sum += weighted / 10 + weighted % 10;
        }
        return payload + (10 - sum % 10) % 10;
    }

    private String ipv4() {
        int first = switch (random.nextInt(4)) {
            case 0 -> 10;
            case 1 -> 192;
            case 2 -> 172;
            default -> 1 + random.nextInt(223);
        };
        String address = first + "." + octet() + "." + octet() + "." + octet();
        if (random.nextInt(15) == 0) {
            String[] octets = address.split("\\.");
            return String.format(Locale.ROOT, "%03d.%03d.%03d.%03d", Integer.parseInt(octets[0]),
                    Integer.parseInt(octets[1]), Integer.parseInt(octets[2]), Integer.parseInt(octets[3]));
        }
        return address;
    }

    private int octet() {
        return switch (random.nextInt(3)) {
            case 0 -> random.nextInt(10);
            case 1 -> 10 + random.nextInt(90);
            default -> 100 + random.nextInt(156);
        };
    }

    private String ipv6() {
        String address = switch (random.nextInt(9)) {
            case 0 -> "::1";
            case 7 -> "2001:db8:0:0:" + hexGroups(1) + ":0:0:" + hexGroups(1);
            case 1 -> "fe80::" + hexGroups(4);
            case 2 -> "2001:db8::" + hexGroups(1 + random.nextInt(2));
            case 3 -> "::ffff:" + ipv4();
            case 4 -> "64:ff9b::" + ipv4();
            case 5 -> fullIpv6();
            default -> compressedIpv6();
        };
        return random.nextInt(7) == 0 ? address.toUpperCase(Locale.ROOT) : address;
    }

    private String hexGroups(int count) {
        List<String> groups = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            groups.add(Integer.toHexString(random.nextInt(0x10000)));
        }
        return String.join(":", groups);
    }

    private String fullIpv6() {
        List<String> groups = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            groups.add(String.format(Locale.ROOT, "%04x", random.nextInt(0x10000)));
        }
        return String.join(":", groups);
    }

    /** Eight groups with a run of zeros somewhere, written the RFC 5952 way: that run as "::". */
    private String compressedIpv6() {
        int[] groups = new int[8];
        int zerosFrom = random.nextInt(7);
        int zerosTo = Math.min(8, zerosFrom + 2 + random.nextInt(4));
        for (int i = 0; i < 8; i++) {
            groups[i] = i >= zerosFrom && i < zerosTo ? 0 : 1 + random.nextInt(0xffff);
        }
        if (groups[0] != 0) {
            groups[0] = 0x2000 + random.nextInt(0x1000);
        }
        StringBuilder address = new StringBuilder();
        for (int i = 0; i < zerosFrom; i++) {
            address.append(i > 0 ? ":" : "").append(Integer.toHexString(groups[i]));
        }
        address.append("::");
        for (int i = zerosTo; i < 8; i++) {
            address.append(i > zerosTo ? ":" : "").append(Integer.toHexString(groups[i]));
        }
        return address.toString();
    }

    // --- hard negatives: text that must not be reported

    private String negativeClause() {
        return switch (random.nextInt(33)) {
            case 0 -> "Order #" + number(5, 8) + " shipped on " + date() + " for " + price();
            case 1 -> "the meeting moved to " + date() + " at " + time();
            case 2 -> "upgrade to " + version() + " fixes the crash";
            case 3 -> "our office hours are " + time() + "-" + time();
            case 4 -> "invoice INV-" + (2019 + random.nextInt(7)) + "-" + randomDigits(5) + " over " + price();
            case 5 -> "reference " + number(5, 12) + " is still open";
            case 6 -> "ticket " + number(4, 8) + " was updated on " + date();
            case 7 -> "ISBN " + isbn();
            case 8 -> "EAN " + ean13() + " is out of stock";
            case 9 -> "card ending in " + randomDigits(4) + " was charged " + price();
            case 10 -> "the card **** **** **** " + randomDigits(4) + " expires 0" + (1 + random.nextInt(9)) + "/2"
                    + random.nextInt(10);
            case 11 -> "card " + cardLayout(luhnFailing()) + " was declined";
            case 12 -> "number " + unknownIssuer() + " is not a card we accept";
            case 13 -> "IBAN " + brokenIban() + " was rejected by the bank";
            case 14 -> "write to " + notAnEmail() + " instead";
            case 15 -> "host " + notAnIp() + " could not be resolved";
            case 16 -> "the package weighs " + random.nextInt(30) + "." + random.nextInt(10) + " kg";
            case 17 -> "conversion rose by " + random.nextInt(100) + "." + random.nextInt(10) + "%";
            case 18 -> "ship to " + (10000 + random.nextInt(89999)) + " Berlin, or ZIP " + randomDigits(5) + "-"
                    + randomDigits(4);
            case 19 -> "pages " + (1 + random.nextInt(99)) + "-" + (100 + random.nextInt(400)) + " cover the "
                    + (2000 + random.nextInt(25)) + "-" + (2000 + random.nextInt(25)) + " period";
            case 20 -> "steps 1 2 3 4 5 6 7 8 9 10 are done";
            case 21 -> "tracking number 1Z" + randomAlphanumeric(16);
            case 22 -> "customer no. " + number(6, 10) + ", contract " + (2019 + random.nextInt(7)) + "-"
                    + randomDigits(6);
            case 23 -> "located at " + (40 + random.nextInt(20)) + "." + randomDigits(4) + ", "
                    + random.nextInt(30) + "." + randomDigits(4);
            case 24 -> "the total is " + thousands() + " " + pick(new String[] {"EUR", "USD", "€", "CHF"});
            case 25 -> "a temperature of -" + random.nextInt(30) + "." + random.nextInt(10) + " °C was logged at "
                    + time();
            case 26 -> "ext. " + randomDigits(3 + random.nextInt(2)) + " or room " + (1 + random.nextInt(9)) + "-"
                    + randomDigits(3);
            case 27 -> String.format(Locale.ROOT, "the log says %d-%02d-%02dT%02d:%02d:%02dZ",
                    2000 + random.nextInt(30), 1 + random.nextInt(12), 1 + random.nextInt(28), random.nextInt(24),
                    random.nextInt(60), random.nextInt(60));
            case 28 -> "@" + name() + "_team replied";
            case 29 -> "BIC " + pick(new String[] {"DEUTDEFF500", "COBADEFFXXX", "BNPAFRPP", "NWBKGB2L"}) + " is ok";
            case 30 -> "request id " + new UUID(random.nextLong(), random.nextLong()) + " failed";
            case 31 -> "unix time " + (1_600_000_000L + random.nextInt(200_000_000)) + " is when it broke";
            default -> "the score was " + random.nextInt(6) + "-" + random.nextInt(6) + " at " + date();
        };
    }

    private String date() {
        int year = 2000 + random.nextInt(30);
        int month = 1 + random.nextInt(12);
        int day = 1 + random.nextInt(28);
        return switch (random.nextInt(8)) {
            case 0 -> String.format(Locale.ROOT, "%d-%02d-%02d", year, month, day);
            case 1 -> String.format(Locale.ROOT, "%02d.%02d.%d", day, month, year);
            case 2 -> String.format(Locale.ROOT, "%02d/%02d/%d", month, day, year);
            case 3 -> String.format(Locale.ROOT, "%d/%02d/%02d", year, month, day);
            case 4 -> String.format(Locale.ROOT, "%02d-%02d-%d", day, month, year);
            case 5 -> String.format(Locale.ROOT, "%d.%d.%d", day, month, year);
            case 6 -> String.format(Locale.ROOT, "%02d %02d %d", day, month, year);
            default -> String.format(Locale.ROOT, "%02d.%02d.%02d", day, month, year % 100);
        };
    }

    private String time() {
        return random.nextBoolean()
                ? String.format(Locale.ROOT, "%02d:%02d", random.nextInt(24), random.nextInt(60))
                : String.format(Locale.ROOT, "%02d:%02d:%02d", random.nextInt(24), random.nextInt(60),
                        random.nextInt(60));
    }

    private String price() {
        int whole = random.nextInt(5000);
        int cents = random.nextInt(100);
        return switch (random.nextInt(6)) {
            case 0 -> String.format(Locale.ROOT, "€%d.%02d", whole, cents);
            case 1 -> String.format(Locale.ROOT, "$%,d.%02d", whole * 1000 + cents, cents);
            case 2 -> String.format(Locale.GERMANY, "%,d,%02d €", whole * 1000 + cents, cents);
            case 3 -> String.format(Locale.ROOT, "£%d.%02d", whole, cents);
            case 4 -> String.format(Locale.ROOT, "%d,%02d EUR", whole, cents);
            default -> String.format(Locale.ROOT, "USD %,d.%02d", whole * 1000 + cents, cents);
        };
    }

    private String thousands() {
        int millions = 1 + random.nextInt(99);
        return millions + " " + randomDigits(3) + " " + randomDigits(3);
    }

    private String version() {
        return switch (random.nextInt(6)) {
            case 0 -> "v" + random.nextInt(10) + "." + random.nextInt(30) + "." + random.nextInt(100);
            case 1 -> random.nextInt(10) + "." + random.nextInt(30) + "." + random.nextInt(100);
            case 2 -> "v" + quad();
            case 3 -> "release-" + quad();
            case 4 -> "Windows 10.0." + (19000 + random.nextInt(1000)) + "." + (1000 + random.nextInt(9000));
            default -> random.nextInt(10) + "." + random.nextInt(10) + "." + random.nextInt(10) + "-rc"
                    + (1 + random.nextInt(5));
        };
    }

    /** Four small numbers joined by dots: a valid IPv4 address unless glued to the word before it. */
    private String quad() {
        return random.nextInt(10) + "." + random.nextInt(10) + "." + random.nextInt(10) + "." + random.nextInt(10);
    }

    private String isbn() {
        return random.nextBoolean()
                ? "978-" + random.nextInt(10) + "-" + randomDigits(2) + "-" + randomDigits(6) + "-" + random.nextInt(10)
                : random.nextInt(2) + "-" + randomDigits(3) + "-" + randomDigits(5) + "-" + random.nextInt(10);
    }

    /** With a valid EAN-13 check digit: a real barcode, which may pass Luhn by chance. */
    private String ean13() {
        String payload = (400 + random.nextInt(45)) + randomDigits(9);
        int sum = 0;
        for (int i = 0; i < payload.length(); i++) {
            sum += (payload.charAt(i) - '0') * (i % 2 == 0 ? 1 : 3);
        }
        return payload + (10 - sum % 10) % 10;
    }

    private String luhnFailing() {
        String valid = cardNumber();
        int last = valid.charAt(valid.length() - 1) - '0';
        return valid.substring(0, valid.length() - 1) + (last + 1 + random.nextInt(9)) % 10;
    }

    /** Luhn-valid and laid out like a card, but no brand issues numbers starting like this, or this long. */
    private String unknownIssuer() {
        return switch (random.nextInt(3)) {
            case 0 -> cardLayout(withLuhnDigit(pick(new String[] {"1", "7", "8", "9"}) + randomDigits(14)));
            case 1 -> cardLayout(withLuhnDigit("37" + randomDigits(14)));
            default -> withLuhnDigit("51" + randomDigits(15));
        };
    }

    private String brokenIban() {
        String[] layout = IBAN_LAYOUTS[random.nextInt(IBAN_LAYOUTS.length)];
        String account = accountPart(layout[1]);
        String check = ibanCheckDigits(layout[0], account);
        String iban = switch (random.nextInt(4)) {
            case 0 -> layout[0] + check + changeOneDigit(account);
            case 1 -> layout[0] + check + account.substring(0, account.length() - 1);
            case 2 -> "XQ" + check + account;
            // any other pair from 02 to 98 fails the check: the right one is unique modulo 97
            default -> layout[0] + String.format(Locale.ROOT, "%02d",
                    (Integer.parseInt(check) + 1 + random.nextInt(90)) % 97 + 2) + account;
        };
        return random.nextBoolean() ? iban : groupsOfFour(iban);
    }

    private String changeOneDigit(String account) {
        for (int i = account.length() - 1; i >= 0; i--) {
            char c = account.charAt(i);
            if (Character.isDigit(c)) {
                char other = (char) ('0' + (c - '0' + 1 + random.nextInt(9)) % 10);
                return account.substring(0, i) + other + account.substring(i + 1);
            }
        }
        return account + "0";
    }

    private String notAnEmail() {
        return switch (random.nextInt(10)) {
            case 0 -> name() + "@localhost";
            case 1 -> "a@b";
            case 2 -> "admin@server" + randomDigits(2);
            case 3 -> name() + "." + name() + "@";
            case 4 -> name() + "@" + name() + ".";
            case 5 -> name() + "@" + name() + ".c";
            case 6 -> "x@" + randomDigits(3) + "." + randomDigits(3);
            case 7 -> "icon@2x.png";
            case 8 -> name() + "@@example.com";
            default -> name() + " at example dot com";
        };
    }

    private String notAnIp() {
        return switch (random.nextInt(12)) {
            case 0 -> (256 + random.nextInt(744)) + ".1.1.1";
            case 1 -> "10.0.0." + (256 + random.nextInt(700));
            case 2 -> "192.168." + random.nextInt(256);
            case 3 -> "1.2.3.4.5";
            case 4 -> "1.2.3";
            case 5 -> "00:1A:2B:3C:4D:5E";
            case 6 -> "std::vector";
            case 7 -> "2001:db8";
            case 8 -> "1:2:3:4:5:6:7:8:9";
            case 9 -> "fe80:::1";
            case 10 -> "12345::1";
            default -> "2001:db8::1::2";
        };
    }

    // --- random building blocks

    private String number(int minDigits, int maxDigits) {
        int length = minDigits + random.nextInt(maxDigits - minDigits + 1);
        return (1 + random.nextInt(9)) + randomDigits(length - 1);
    }

    private String randomDigits(int count) {
        StringBuilder digits = new StringBuilder(count);
        for (int i = 0; i < count; i++) {
            digits.append((char) ('0' + random.nextInt(10)));
        }
        return digits.toString();
    }

    private String randomAlphanumeric(int count) {
        StringBuilder chars = new StringBuilder(count);
        for (int i = 0; i < count; i++) {
            boolean letter = random.nextInt(3) == 0;
            chars.append(letter ? (char) ('A' + random.nextInt(26)) : (char) ('0' + random.nextInt(10)));
        }
        return chars.toString();
    }

    private String digits(String layout) {
        StringBuilder filled = new StringBuilder(layout.length());
        for (char c : layout.toCharArray()) {
            filled.append(switch (c) {
                case 'N' -> (char) ('2' + random.nextInt(8));
                case 'D' -> (char) ('1' + random.nextInt(9));
                case 'd' -> (char) ('0' + random.nextInt(10));
                default -> c;
            });
        }
        return filled.toString();
    }

    private String pick(String[] options) {
        return options[random.nextInt(options.length)];
    }

    /** Text with ground truth: every {@code pii} call records the span it appends. */
    private static final class SentenceBuilder {

        private final StringBuilder text = new StringBuilder();
        private final List<PiiMatch> truth = new ArrayList<>();

        void text(String literal) {
            text.append(literal);
        }

        /** Writes the context with each {@code %s} replaced by a fresh value of the given type. */
        void fill(String context, PiiType type, Supplier<String> value) {
            String[] parts = context.split("%s", -1);
            for (int i = 0; i < parts.length; i++) {
                if (i > 0) {
                    int start = text.length();
                    text.append(value.get());
                    truth.add(new PiiMatch(type, start, text.length()));
                }
                text.append(parts[i].replace("%%", "%"));
            }
        }

        Sentence build() {
            return new Sentence(text.toString(), truth);
        }
    }
}
