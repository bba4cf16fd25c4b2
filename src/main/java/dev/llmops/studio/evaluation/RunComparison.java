package dev.llmops.studio.evaluation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Two test runs of one suite side by side (docs/metrics.md): per case whether the candidate won, lost or tied
 * against the baseline (pass beats fail; between two passes or two fails the higher score wins), and the change
 * of every metric both runs have (candidate − baseline). Cases are matched by position and must ask the same
 * prompt with the same expectation; cases edited between the runs are counted in {@code unmatched}.
 */
public record RunComparison(TestRunInfo baseline, TestRunInfo candidate, List<CaseComparison> cases, int wins,
                            int losses, int ties, int unmatched, Map<String, Double> deltas) {

    public enum Outcome { WIN, LOSS, TIE }

    /** One case in both runs, from the candidate's side. */
    public record CaseComparison(int position, String prompt, CaseResult baseline, CaseResult candidate,
                                 Outcome outcome) {
    }

    /** Scores closer than this are a tie: they differ only by rounding. */
    private static final double SAME_SCORE = 1e-9;

    static RunComparison of(TestRunInfo baseline, List<CaseResult> baselineResults, TestRunInfo candidate,
            List<CaseResult> candidateResults) {
        Map<Integer, CaseResult> byPosition = new LinkedHashMap<>();
        baselineResults.forEach(result -> byPosition.put(result.position(), result));
        List<CaseComparison> cases = new ArrayList<>();
        int[] counts = new int[Outcome.values().length];
        int unmatched = 0;
        for (CaseResult after : candidateResults) {
            CaseResult before = byPosition.remove(after.position());
            if (before == null || !sameCase(before, after)) {
                unmatched++;
                continue;
            }
            Outcome outcome = outcome(before, after);
            counts[outcome.ordinal()]++;
            cases.add(new CaseComparison(after.position(), after.prompt(), before, after, outcome));
        }
        unmatched += byPosition.size();
        Map<String, Double> deltas = new LinkedHashMap<>();
        candidate.metrics().forEach((name, value) -> {
            Double before = baseline.metrics().get(name);
            if (before != null && !name.equals("cases") && !name.equals("passed")) {
                deltas.put(name, value - before);
            }
        });
        return new RunComparison(baseline, candidate, cases, counts[Outcome.WIN.ordinal()],
                counts[Outcome.LOSS.ordinal()], counts[Outcome.TIE.ordinal()], unmatched, deltas);
    }

    private static boolean sameCase(CaseResult a, CaseResult b) {
        return a.prompt().equals(b.prompt()) && Objects.equals(a.messages(), b.messages())
                && Objects.equals(a.expected(), b.expected()) && a.assertion() == b.assertion();
    }

    private static Outcome outcome(CaseResult before, CaseResult after) {
        if (before.passed() != after.passed()) {
            return after.passed() ? Outcome.WIN : Outcome.LOSS;
        }
        double difference = score(after) - score(before);
        return difference > SAME_SCORE ? Outcome.WIN : difference < -SAME_SCORE ? Outcome.LOSS : Outcome.TIE;
    }

    private static double score(CaseResult result) {
        return result.score() == null ? 0 : result.score();
    }
}
