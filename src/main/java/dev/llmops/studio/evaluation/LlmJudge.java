package dev.llmops.studio.evaluation;

import dev.llmops.studio.model.ChatTurn;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link AssertionType#LLM_JUDGE}: another deployed model grades an output against a rubric (docs/metrics.md). The
 * judge gets {@link #TEMPLATE} as one user message at temperature 0, and its reply is read for a score from 1 to
 * 5 and a reason. The case passes when the score reaches its threshold (1–5, default {@value #DEFAULT_THRESHOLD});
 * the stored score is normalised to 0..1 as (score − 1) / 4, so it compares with the other assertions' scores.
 */
final class LlmJudge {

    static final double DEFAULT_THRESHOLD = 4;
    /** Enough for "Score: 4. " and a sentence. */
    static final int MAX_TOKENS = 160;
    static final String TEMPLATE = """
            You are grading an AI assistant's answer.

            Rubric:
            {rubric}

            Question:
            {question}

            Answer:
            {answer}

            Grade how well the answer meets the rubric, from 1 (not at all) to 5 (completely).
            Reply in exactly this form: Score: <1-5>. <one sentence with the reason>""";

    /** "Score: 4", "rating = 3.5", "grade 5/5". */
    private static final Pattern LABELLED = Pattern.compile(
            "(?i)\\b(?:score|rating|grade)\\s*[:=]?\\s*(\\d+(?:\\.\\d+)?)(?:\\s*(?:/|out\\s+of)\\s*5\\b)?");
    /** "5/5", "4 out of 5". */
    private static final Pattern OUT_OF_FIVE = Pattern.compile(
            "(?i)(?<![\\d.,])(\\d+(?:\\.\\d+)?)\\s*(?:/|out\\s+of)\\s*5(?![\\d.,]\\d|\\d)");
    /** A lone number 1 to 5 ("I give it 2"), not part of a longer number such as 2,50 or 15. */
    private static final Pattern BARE = Pattern.compile("(?<![\\d.,])([1-5](?:\\.\\d+)?)(?![\\d]|[.,]\\d)");
    private static final Pattern LEADING_PUNCTUATION = Pattern.compile("^[\\s.:;,!)\\]–—-]+");
    private static final int MAX_REASON = 500;
    private static final int QUOTED_REPLY = 200;

    /** What the judge said: a score from 1 to 5 and why, or no score and why not. */
    record Verdict(Double score, String reason) {
    }

    private LlmJudge() {
    }

    /** The chat sent to the judge for one output. */
    static List<ChatTurn> request(String rubric, String question, String answer) {
        String text = TEMPLATE.replace("{rubric}", rubric.strip()).replace("{question}", question.strip())
                .replace("{answer}", answer.strip());
        return List.of(new ChatTurn("user", text));
    }

    /** The score and reason in a judge's reply; the first labelled score wins, then "n/5", then a lone 1–5. */
    static Verdict parse(String reply) {
        String text = reply == null ? "" : reply.strip();
        for (Pattern pattern : List.of(LABELLED, OUT_OF_FIVE, BARE)) {
            Matcher matcher = pattern.matcher(text);
            if (matcher.find()) {
                double score = Double.parseDouble(matcher.group(1));
                if (score < 1 || score > 5) {
                    return new Verdict(null, "the judge's score " + matcher.group(1) + " is not within 1 to 5: “"
                            + quoted(text) + "”");
                }
                return new Verdict(score, reason(text, matcher));
            }
        }
        return new Verdict(null, text.isEmpty() ? "the judge gave an empty reply"
                : "the judge's reply has no score from 1 to 5: “" + quoted(text) + "”");
    }

    /** The verdict on a reply, passing at {@code threshold} (1–5; null = {@value #DEFAULT_THRESHOLD}). */
    static AssertionResult result(String reply, Double threshold) {
        Verdict verdict = parse(reply);
        if (verdict.score() == null) {
            return AssertionResult.of(false, verdict.reason());
        }
        double bar = threshold == null ? DEFAULT_THRESHOLD : threshold;
        boolean pass = verdict.score() >= bar;
        return new AssertionResult(pass, (verdict.score() - 1) / 4, String.format(Locale.ROOT,
                "judge score %s/5 %s threshold %s: %s", number(verdict.score()), pass ? "≥" : "<", number(bar),
                verdict.reason()), null);
    }

    /** The text after the score, or the whole reply when nothing follows it ("I give it 2"). */
    private static String reason(String text, Matcher matcher) {
        String after = LEADING_PUNCTUATION.matcher(text.substring(matcher.end())).replaceFirst("").strip();
        String reason = after.isEmpty() ? text : after;
        return reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "…" : reason;
    }

    private static String quoted(String text) {
        return text.length() > QUOTED_REPLY ? text.substring(0, QUOTED_REPLY) + "…" : text;
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    /** The rubric a case is judged by: its expected value when it has one, else the suite's. */
    static String rubric(String caseExpected, String suiteRubric) {
        if (caseExpected != null && !caseExpected.isBlank()) {
            return caseExpected;
        }
        return suiteRubric == null ? "" : suiteRubric;
    }
}
