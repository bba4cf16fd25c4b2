package dev.llmops.studio.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TextOverlapTest {

    @Test
    void rougeLFollowsTheLongestCommonSubsequence() {
        // LCS "the cat on the mat" = 5 of 5 output and 6 reference tokens: P 1, R 5/6, F1 10/11
        assertThat(TextOverlap.rougeL("The cat on the mat.", "the cat sat on the mat"))
                .isCloseTo(10.0 / 11, within(1e-12));
        // same words, reversed order: LCS 1 of 3
        assertThat(TextOverlap.rougeL("mat the cat", "cat the mat")).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(TextOverlap.rougeL("", "")).isEqualTo(1);
        assertThat(TextOverlap.rougeL("something", "")).isZero();
    }

    @Test
    void tokenF1CountsSharedWordsOnceEach() {
        // shared: "the" once (the output has it once), "cat": 2 of 3 each way
        assertThat(TextOverlap.tokenF1("the cat sat", "the cat the")).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(TextOverlap.tokenF1("Paris!", "paris")).isEqualTo(1);
        assertThat(TextOverlap.tokenF1("London", "Paris")).isZero();
    }

    @Test
    void tokensAreLowerCaseLettersAndDigits() {
        assertThat(TextOverlap.tokens("Hello, World! 2,50 € café")).containsExactly("hello", "world", "2", "50",
                "café");
    }
}
