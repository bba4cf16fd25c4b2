package dev.llmops.studio.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.llmops.studio.model.ChatTurn;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading a judge's reply for its score and reason, and the verdict against the threshold. */
class LlmJudgeTest {

    @Test
    void aLabelledScoreAndTheTextAfterItAreTheVerdict() {
        assertThat(LlmJudge.parse("Score: 4. Polite and correct")).isEqualTo(new LlmJudge.Verdict(4.0,
                "Polite and correct"));
        assertThat(LlmJudge.parse("rating = 3.5 — mostly right")).isEqualTo(new LlmJudge.Verdict(3.5,
                "mostly right"));
        assertThat(LlmJudge.parse("Grade 2/5: misses the question")).isEqualTo(new LlmJudge.Verdict(2.0,
                "misses the question"));
    }

    @Test
    void outOfFiveAndALoneNumberAreReadToo() {
        assertThat(LlmJudge.parse("5/5 – exactly what was asked")).isEqualTo(new LlmJudge.Verdict(5.0,
                "exactly what was asked"));
        assertThat(LlmJudge.parse("I would say 3 out of 5, it rambles")).isEqualTo(new LlmJudge.Verdict(3.0,
                "it rambles"));
        assertThat(LlmJudge.parse("I give it 2")).isEqualTo(new LlmJudge.Verdict(2.0, "I give it 2"));
    }

    @Test
    void repliesWithoutAUsableScoreFailWithTheReason() {
        assertThat(LlmJudge.parse("A café costs 2,50 € here").score()).as("2,50 is one number").isNull();
        assertThat(LlmJudge.parse("Looks fine to me.").reason()).isEqualTo(
                "the judge's reply has no score from 1 to 5: “Looks fine to me.”");
        assertThat(LlmJudge.parse("Score: 7, great").reason()).startsWith("the judge's score 7 is not within 1 to 5");
        assertThat(LlmJudge.parse("  ").reason()).isEqualTo("the judge gave an empty reply");

        AssertionResult unparseable = LlmJudge.result("Looks fine to me.", null);
        assertThat(unparseable.pass()).isFalse();
        assertThat(unparseable.score()).isZero();
        assertThat(unparseable.reason()).contains("no score from 1 to 5");
    }

    @Test
    void theScoreIsNormalisedAndPassesAtTheThreshold() {
        AssertionResult four = LlmJudge.result("Score: 4. Polite and correct", null);
        assertThat(four.pass()).as("default threshold 4").isTrue();
        assertThat(four.score()).isCloseTo(0.75, within(1e-12));
        assertThat(four.reason()).isEqualTo("judge score 4/5 ≥ threshold 4: Polite and correct");

        AssertionResult three = LlmJudge.result("Score: 3. Too long", null);
        assertThat(three.pass()).isFalse();
        assertThat(three.score()).isCloseTo(0.5, within(1e-12));
        assertThat(LlmJudge.result("Score: 3. Too long", 3.0).pass()).isTrue();
        assertThat(LlmJudge.result("Score: 1. Wrong", null).score()).isZero();
        assertThat(LlmJudge.result("Score: 5. Perfect", null).score()).isEqualTo(1);
    }

    @Test
    void theJudgeIsAskedWithTheFixedTemplate() {
        List<ChatTurn> request = LlmJudge.request("Answers politely", "Hello", "Hi! How can I help?");
        assertThat(request).hasSize(1);
        assertThat(request.get(0).role()).isEqualTo("user");
        assertThat(request.get(0).content()).contains("Rubric:\nAnswers politely\n")
                .contains("Question:\nHello\n").contains("Answer:\nHi! How can I help?\n")
                .endsWith("Reply in exactly this form: Score: <1-5>. <one sentence with the reason>");
        assertThat(LlmJudge.rubric(" ", "Be polite")).isEqualTo("Be polite");
        assertThat(LlmJudge.rubric("Names Paris", "Be polite")).isEqualTo("Names Paris");
    }
}
