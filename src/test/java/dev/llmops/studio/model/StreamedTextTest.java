package dev.llmops.studio.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StreamedTextTest {

    @Test
    void aPossibleStopStringIsHeldBackUntilItFailsToComplete() {
        StreamedText text = new StreamedText(List.of("abc"));

        assertThat(add(text, "xab")).isFalse();
        assertThat(text.take()).isEqualTo("x");
        assertThat(add(text, "x")).isFalse();
        assertThat(text.take()).isEqualTo("abx");
    }

    @Test
    void overlappingStartsOfAStopStringAreFound() {
        StreamedText text = new StreamedText(List.of("aab"));

        assertThat(add(text, "aaa")).isFalse();
        assertThat(text.take()).isEqualTo("a");
        assertThat(add(text, "b")).isTrue();
        text.finish();
        assertThat(text.take()).isEmpty();
    }

    @Test
    void ofStopStringsEndingTogetherTheLongestIsRemoved() {
        StreamedText text = new StreamedText(List.of("b", "ab"));

        assertThat(add(text, "xab")).isTrue();
        text.finish();
        assertThat(text.take()).isEqualTo("x");
    }

    @Test
    void aCharacterIsReleasedWhole() {
        StreamedText text = new StreamedText(List.of());
        byte[] emoji = "😊".getBytes(StandardCharsets.UTF_8);

        for (int i = 0; i < emoji.length - 1; i++) {
            text.add(emoji[i]);
            assertThat(text.take()).isEmpty();
        }
        text.add(emoji[emoji.length - 1]);
        assertThat(text.take()).isEqualTo("😊");
    }

    @Test
    void invalidAndUnfinishedBytesBecomeWhatDecodingTheWholeGives() {
        byte[] bytes = {(byte) 0xC3, 'A', (byte) 0x80, (byte) 0xE2, (byte) 0x82};
        StreamedText text = new StreamedText(List.of());

        StringBuilder streamed = new StringBuilder();
        for (byte b : bytes) {
            text.add(b);
            streamed.append(text.take());
        }
        text.finish();
        streamed.append(text.take());

        assertThat(streamed.toString()).isEqualTo(new String(bytes, StandardCharsets.UTF_8)).contains("\uFFFD");
    }

    /**
     * Random byte streams (with pieces of multi-byte characters) against a plain search: the text released is
     * the UTF-8 decoding of everything before the first stop string, and never contains a stop string.
     */
    @Test
    void randomStreamsMatchAPlainSearch() {
        Random random = new Random(1);
        byte[] alphabet = "ab€é".getBytes(StandardCharsets.UTF_8);
        for (int round = 0; round < 2000; round++) {
            byte[] output = new byte[1 + random.nextInt(40)];
            for (int i = 0; i < output.length; i++) {
                output[i] = alphabet[random.nextInt(alphabet.length)];
            }
            List<String> stops = new ArrayList<>();
            for (int count = random.nextInt(5); stops.size() < count; ) {
                stops.add(randomText(random, 1 + random.nextInt(4)));
            }

            StreamedText text = new StreamedText(stops);
            StringBuilder streamed = new StringBuilder();
            boolean stopped = false;
            for (int i = 0; i < output.length && !stopped; i++) {
                stopped = text.add(output[i]);
                streamed.append(text.take());
            }
            text.finish();
            streamed.append(text.take());

            String expected = beforeFirstStop(output, stops);
            assertThat(streamed.toString()).as("output %s, stops %s", Arrays.toString(output), stops)
                    .isEqualTo(expected);
            stops.forEach(stop -> assertThat(streamed.toString()).doesNotContain(stop));
        }
    }

    private static String randomText(Random random, int length) {
        String[] pieces = {"a", "b", "€", "é"};
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append(pieces[random.nextInt(pieces.length)]);
        }
        return text.toString();
    }

    private static String beforeFirstStop(byte[] output, List<String> stops) {
        for (int end = 1; end <= output.length; end++) {
            int longest = 0;
            for (String stop : stops) {
                byte[] bytes = stop.getBytes(StandardCharsets.UTF_8);
                if (bytes.length <= end && Arrays.equals(output, end - bytes.length, end, bytes, 0, bytes.length)) {
                    longest = Math.max(longest, bytes.length);
                }
            }
            if (longest > 0) {
                return new String(output, 0, end - longest, StandardCharsets.UTF_8);
            }
        }
        return new String(output, StandardCharsets.UTF_8);
    }

    private static boolean add(StreamedText text, String ascii) {
        boolean stopped = false;
        for (byte b : ascii.getBytes(StandardCharsets.US_ASCII)) {
            stopped = text.add(b);
        }
        return stopped;
    }
}
