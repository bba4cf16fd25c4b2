package dev.llmops.studio.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Concrete positives and negatives per type (each positive must be found with its exact span and nothing else),
 * overlaps, redaction, masking, speed on hostile input, and precision/recall on the generated labelled set.
 */
class PiiDetectorTest {

    private static final long QUALITY_SEED = 20_240_131L;
    private static final int QUALITY_SENTENCES = 3000;

    private final PiiDetector detector = new PiiDetector();

    /** Each match as TYPE:value, in text order. */
    private List<String> found(String text) {
        return detector.find(text).stream()
                .map(match -> match.type() + ":" + text.substring(match.start(), match.end()))
                .toList();
    }

    /** The value embedded in a sentence must come back as the only match, with exactly its span. */
    private void assertFoundExactly(PiiType type, String value) {
        String text = "Hello, " + value + ". Thanks";
        assertThat(found(text)).as(text).containsExactly(type + ":" + value);
    }

    private void assertNothingIn(String text) {
        assertThat(found(text)).as(text).isEmpty();
    }

    @Nested
    class Emails {

        @ParameterizedTest
        @ValueSource(strings = {"john.doe@example.com", "j.doe+newsletter@mail.example.co.uk", "ANNA_99@Example.COM",
            "o'brien@example.ie", "jürgen.müller@example.de", "first-last@sub-domain.example.technology",
            "x@example.io"})
        void areFoundWithTheirExactSpan(String address) {
            assertFoundExactly(PiiType.EMAIL, address);
        }

        @Test
        void surroundingPunctuationStaysOutside() {
            assertThat(found("Contact: <john@example.com>, or 'jane@example.org'."))
                    .containsExactly("EMAIL:john@example.com", "EMAIL:jane@example.org");
            assertThat(found("mailto:john@example.com")).containsExactly("EMAIL:john@example.com");
        }

        @ParameterizedTest
        @ValueSource(strings = {"a@b", "john@localhost", "admin@server01", "icon@2x.png", "name@domain.",
            "foo@bar.c", "x@123.456", "user@@example.com", "@support_team", "first.last@", "john at example dot com"})
        void lookalikesWithoutATopLevelDomainAreNot(String text) {
            assertNothingIn("Write to " + text + " please");
        }
    }

    @Nested
    class Phones {

        @ParameterizedTest
        @ValueSource(strings = {"+49 30 1234567", "+49 (0)30 1234 5678", "+4915123456789", "0049 89 123456",
            "030 12345678", "0171 2345678", "030-1234567", "030/1234567", "+1 (415) 555-0132", "(415) 555-0132",
            "415-555-0132", "415.555.0132", "1-800-555-0199", "+44 20 7946 0958", "020 7946 0958", "07700 900123",
            "+33 1 23 45 67 89", "01 23 45 67 89", "06.12.34.56.78", "06-12345678", "+34 612 34 56 78",
            "612 34 56 78", "347 123 4567", "+41 44 668 18 00", "(02) 9876 5432"})
        void internationalAndNationalLayoutsAreFound(String number) {
            assertFoundExactly(PiiType.PHONE, number);
        }

        @ParameterizedTest
        @ValueSource(strings = {"2024-01-31", "31.01.2024", "01.02.2024", "01/31/2024", "05 03 2024",
            "2024-01-31 14:30", "14:30:00", "v1.2.3", "10.4.12", "Windows 10.0.19045.3693", "€129.99",
            "$1,299.00", "1.299,99 €", "1 299 000 EUR", "Order #1234567", "reference 123456789",
            "03012345678", "555-0132", "ZIP 02134-1234", "ISBN 978-3-16-148410-0", "ISBN 0-306-40615-2",
            "+49 30", "ORD-2024-001234", "12.5%", "pages 12-345", "steps 1 2 3 4 5 6 7 8 9 10",
            "call 030 1234567x", "9:00-17:30", "1 234 567", "02.147038 s", "02-687535-fix-ldflags.patch",
            "llvm (1:14~++20220202101403+91632c8ac97f-1)"})
        void datesTimesVersionsPricesAndReferenceNumbersAreNot(String text) {
            assertNothingIn("Note: " + text + " today");
        }
    }

    @Nested
    class Ibans {

        @ParameterizedTest
        @ValueSource(strings = {"DE89 3704 0044 0532 0130 00", "DE89370400440532013000", "GB29 NWBK 6016 1331 9268 19",
            "FR14 2004 1010 0505 0001 3M02 606", "NL91ABNA0417164300", "BE68 5390 0754 7034",
            "CH93 0076 2011 6238 5295 7", "ES91 2100 0418 4502 0005 1332", "IT60 X054 2811 1010 0000 0123 456",
            "NO93 8601 1117 947", "PL61 1090 1014 0000 0712 1981 2874", "de89 3704 0044 0532 0130 00"})
        void validIbansAreFoundWholeWithTheirSpaces(String iban) {
            assertFoundExactly(PiiType.IBAN, iban);
        }

        @ParameterizedTest
        @ValueSource(strings = {"DE89 3704 0044 0532 0130 01", "DE88 3704 0044 0532 0130 00",
            "DE89 3704 0044 0532 0130 0", "XX89 3704 0044 0532 0130 00", "ABDE89370400440532013000",
            "DE89370400440532013000123", "DE89 370 4004 4053 2013 000", "NL30 TSAF 0632 3042 99",
            "MT74 GLGZ 6460 1155 6032 9209 Y876 06"})
        void mod97FailuresWrongLengthsAndGluedTextAreNotNorAreTheirDigitsPhoneOrCardNumbers(String text) {
            assertNothingIn("IBAN " + text + " please");
        }
    }

    @Nested
    class PaymentCards {

        @ParameterizedTest
        @ValueSource(strings = {"4111 1111 1111 1111", "4111-1111-1111-1111", "4012888888881881",
            "5555 5555 5555 4444", "2221 0000 0000 0009", "3782 822463 10005", "371449635398431",
            "6011 1111 1111 1117", "3056 930902 5904", "3530 1113 3330 0000", "6200000000000005",
            "5018 0000 0000 0009", "4000 0000 0000 0000 006"})
        void luhnValidNumbersOfKnownBrandsAreFound(String number) {
            assertFoundExactly(PiiType.PAYMENT_CARD, number);
        }

        @ParameterizedTest
        @ValueSource(strings = {"4111 1111 1111 1112", "1234 5678 9012 3452", "7111 1111 1111 1114",
            "3782 8224 6310 0052", "4222222222222", "EAN 4006381333931", "ID4111111111111111",
            "4111 1111 1111 1111 23", "4111.1111.1111.1111", "4111 1111-1111 1111", "**** **** **** 1111"})
        void luhnFailuresUnknownIssuersWrongLengthsAndOddLayoutsAreNot(String text) {
            assertNothingIn("Card " + text + " declined");
        }
    }

    @Nested
    class IpAddresses {

        @ParameterizedTest
        @ValueSource(strings = {"10.0.0.12", "192.168.001.010", "8.8.8.8", "255.255.255.255",
            "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "2001:db8::1", "::1", "fe80::1ff:fe23:4567:890a",
            "::ffff:192.0.2.128", "64:ff9b::192.0.2.33", "2001:DB8::8A2E:370:7334", "2001:db8::"})
        void validAddressesAreFound(String address) {
            assertFoundExactly(PiiType.IP_ADDRESS, address);
        }

        @Test
        void portsPrefixesBracketsAndZonesStayOutside() {
            assertThat(found("connect to 10.0.0.12:8080, allow 192.168.0.0/16, [2001:db8::1]:443 and fe80::1%eth0"))
                    .containsExactly("IP_ADDRESS:10.0.0.12", "IP_ADDRESS:192.168.0.0", "IP_ADDRESS:2001:db8::1",
                            "IP_ADDRESS:fe80::1");
        }

        @ParameterizedTest
        @ValueSource(strings = {"999.1.1.1", "256.10.10.10", "10.0.0.256", "1.2.3", "1.2.3.4.5", "v1.2.3.4",
            "release-1.2.3.4", "0.06.2.1", "0.9.1.2", "10.0.0.01", "12:30:45", "00:1A:2B:3C:4D:5E", "std::vector", "2001:db8", "2001:db8::1::2",
            "fe80:::1", "12345::1", "1:2:3:4:5:6:7:8:9", "dead::beef"})
        void invalidOctetsVersionsTimesMacsAndMalformedIpv6AreNot(String text) {
            assertNothingIn("host " + text + " unreachable");
        }
    }

    @Nested
    class Overlaps {

        @Test
        void anIbansDigitsAreNotAlsoAPhoneNumber() {
            assertThat(found("refund to NO93 8601 1117 947 or BE68 5390 0754 7034"))
                    .containsExactly("IBAN:NO93 8601 1117 947", "IBAN:BE68 5390 0754 7034");
        }

        @Test
        void aCardNumberIsNotAlsoAPhoneNumber() {
            assertThat(found("card 3782 822463 10005 and 0171 2345678"))
                    .containsExactly("PAYMENT_CARD:3782 822463 10005", "PHONE:0171 2345678");
        }

        @Test
        void anIpv4TailDoesNotSplitAnIpv6AddressAndADottedQuadIsNotAPhone() {
            assertThat(found("from ::ffff:192.168.100.200 and 172.16.254.100"))
                    .containsExactly("IP_ADDRESS:::ffff:192.168.100.200", "IP_ADDRESS:172.16.254.100");
        }

        @Test
        void digitsInsideAnEmailAddressAreOnlyTheAddress() {
            assertThat(found("write to 4915123456789.4111111111111111@example.com"))
                    .containsExactly("EMAIL:4915123456789.4111111111111111@example.com");
        }

        @Test
        void matchesOnTheGeneratedSetAreSortedAndDisjoint() {
            for (PiiEvaluationSet.Sentence sentence : PiiEvaluationSet.generate(3, 500)) {
                List<PiiMatch> matches = detector.find(sentence.text());
                for (int i = 1; i < matches.size(); i++) {
                    assertThat(matches.get(i).start()).as(sentence.text()).isGreaterThanOrEqualTo(matches.get(i - 1).end());
                }
            }
        }
    }

    @Nested
    class Redaction {

        @Test
        void everyMatchIsReplacedByItsPlaceholder() {
            String text = "Mail j.doe@example.com or call +49 30 1234567, IBAN DE89 3704 0044 0532 0130 00, "
                    + "card 4111 1111 1111 1111, from 10.0.0.12 on 2024-01-31 for €129.99.";
            assertThat(detector.redact(text)).isEqualTo("Mail <EMAIL> or call <PHONE>, IBAN <IBAN>, "
                    + "card <CARD>, from <IP> on 2024-01-31 for €129.99.");
        }

        @Test
        void textWithoutPersonalDataIsReturnedUnchanged() {
            String text = "Order #1234567 shipped on 2024-01-31 for €129.99 (v1.2.3).";
            assertThat(detector.redact(text)).isEqualTo(text);
            assertThat(detector.redact("")).isEmpty();
        }

        @Test
        void nothingDetectableRemainsInRedactedGeneratedSentences() {
            for (PiiEvaluationSet.Sentence sentence : PiiEvaluationSet.generate(5, 500)) {
                String redacted = detector.redact(sentence.text());
                assertThat(detector.find(redacted)).as(redacted).isEmpty();
            }
        }
    }

    @Nested
    class Masking {

        @Test
        void samplesKeepTheUsefulPartOnly() {
            assertThat(PiiDetector.mask("john.doe@example.com", PiiType.EMAIL)).isEqualTo("j***@e***.com");
            assertThat(PiiDetector.mask("+49 301 234 512", PiiType.PHONE)).isEqualTo("+49 *** *** *12");
            assertThat(PiiDetector.mask("030 1234567", PiiType.PHONE)).isEqualTo("*** *****67");
            assertThat(PiiDetector.mask("DE89 3704 0044 0532 0134 56", PiiType.IBAN))
                    .isEqualTo("DE** **** **** **** **34 56");
            assertThat(PiiDetector.mask("4111 1111 1111 1111", PiiType.PAYMENT_CARD)).isEqualTo("**** **** **** 1111");
            assertThat(PiiDetector.mask("192.168.1.20", PiiType.IP_ADDRESS)).isEqualTo("192.168.*.*");
            assertThat(PiiDetector.mask("2001:db8::8a2e:370:7334", PiiType.IP_ADDRESS)).isEqualTo("2001:db8:*:*");
            assertThat(PiiDetector.mask("::ffff:192.0.2.128", PiiType.IP_ADDRESS)).isEqualTo("::ffff:*:*");
            assertThat(PiiDetector.mask("::1", PiiType.IP_ADDRESS)).isEqualTo("*:*");
        }

        @Test
        void neverRevealsAWholeValueEvenForShortOrOddInput() {
            List<String[]> cases = new ArrayList<>();
            for (PiiEvaluationSet.Sentence sentence : PiiEvaluationSet.generate(11, 1000)) {
                for (PiiMatch truth : sentence.truth()) {
                    cases.add(new String[] {truth.type().name(), sentence.text().substring(truth.start(), truth.end())});
                }
            }
            for (PiiType type : PiiType.values()) {
                for (String odd : List.of("12", "a@b", "1.2", "x", "DE89", "::", "+1 5")) {
                    cases.add(new String[] {type.name(), odd});
                }
            }
            for (String[] c : cases) {
                String value = c[1];
                String masked = PiiDetector.mask(value, PiiType.valueOf(c[0]));
                assertThat(masked).as(c[0] + " " + value).isNotEqualTo(value).doesNotContain(value);
            }
        }
    }

    @Nested
    class Speed {

        /**
         * Four megabytes: linear scans take well under two seconds even on a busy machine, while anything quadratic
         * (a backtracking pattern, a search to the end of the text per candidate) takes a minute or more.
         */
        @ParameterizedTest
        @ValueSource(strings = {"0123456789.@", "1.", "1 ", "+1 ", "a@", "x'@", "a@b.", "a.b@c.d", "1:", "ffff:",
            "0123456789abcdef:.", "DE89 ", "(1) "})
        void hostileTextTakesLinearTime(String alphabet) {
            Random random = new Random(alphabet.hashCode());
            StringBuilder text = new StringBuilder(4_000_000);
            while (text.length() < 4_000_000) {
                // long alphabets as random characters, short ones as the repeated pattern
                text.append(alphabet.length() > 6 ? alphabet.charAt(random.nextInt(alphabet.length())) : alphabet);
            }
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> detector.find(text.toString()));
        }

        @Test
        void concurrentCallsGiveTheSameResultsAsSequentialOnes() {
            List<PiiEvaluationSet.Sentence> sentences = PiiEvaluationSet.generate(13, 400);
            List<List<PiiMatch>> sequential = sentences.stream().map(s -> detector.find(s.text())).toList();
            List<List<PiiMatch>> parallel = sentences.parallelStream().map(s -> detector.find(s.text())).toList();
            assertThat(parallel).isEqualTo(sequential);
        }
    }

    @Nested
    class Quality {

        @Test
        void precisionAndRecallAreAtLeast95PercentForEveryType() {
            PiiScorecard card = PiiScorecard.score(detector, PiiEvaluationSet.generate(QUALITY_SEED, QUALITY_SENTENCES));
            for (PiiType type : PiiType.values()) {
                assertThat(card.support(type)).as(type + " support").isGreaterThan(300);
                assertThat(card.precision(type)).as(type + " precision\n" + card.table()).isGreaterThanOrEqualTo(0.95);
                assertThat(card.recall(type)).as(type + " recall\n" + card.table()).isGreaterThanOrEqualTo(0.95);
            }
        }

        @Test
        void aSpanOffByOneCountsAsOneFalsePositiveAndOneFalseNegative() {
            String text = "call +49 30 1234567 or mail a@example.com";
            List<PiiEvaluationSet.Sentence> sentences = List.of(new PiiEvaluationSet.Sentence(text, List.of(
                    new PiiMatch(PiiType.PHONE, 6, 19), new PiiMatch(PiiType.EMAIL, 28, 41))));
            PiiScorecard card = PiiScorecard.score(detector, sentences);
            assertThat(card.truePositives(PiiType.EMAIL)).isEqualTo(1);
            assertThat(card.truePositives(PiiType.PHONE)).isZero();
            assertThat(card.falsePositives(PiiType.PHONE)).isEqualTo(1);
            assertThat(card.falseNegatives(PiiType.PHONE)).isEqualTo(1);
            assertThat(card.precision(PiiType.IBAN)).isNaN();
        }

        @Test
        void theGeneratorIsDeterministicAndItsCheckDigitsAreRight() {
            assertThat(PiiEvaluationSet.generate(42, 50)).isEqualTo(PiiEvaluationSet.generate(42, 50));
            assertThat(PiiEvaluationSet.ibanCheckDigits("DE", "370400440532013000")).isEqualTo("89");
            assertThat(PiiEvaluationSet.ibanCheckDigits("GB", "NWBK60161331926819")).isEqualTo("29");
            assertThat(PiiEvaluationSet.withLuhnDigit("411111111111111")).isEqualTo("4111111111111111");
            assertThat(PiiEvaluationSet.withLuhnDigit("37828224631000")).isEqualTo("378282246310005");
        }

        @Test
        void theReportHasARowPerTypeAndATotal() {
            String report = PiiQuality.report(1, 200);
            assertThat(report).contains("precision", "recall", "all");
            for (PiiType type : PiiType.values()) {
                assertThat(report).contains(type.name());
            }
        }
    }
}
