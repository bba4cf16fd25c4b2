package dev.llmops.studio.feedback;

import dev.llmops.studio.dataset.DatasetVersionInfo;

/**
 * What an export made: the dataset version of supervised examples (corrected answers, accepted answers and the
 * preferred answer of pairwise items), and the preference pairs as DPO-style JSON Lines
 * ({@code {"prompt", "chosen", "rejected"}} per line). Items reviewers rejected without correcting are left out.
 */
public record ReviewExport(DatasetVersionInfo dataset, int corrected, int accepted, int preferred, int rejected,
        int preferencePairs, String preferencesJsonl) {

    public int examples() {
        return corrected + accepted + preferred;
    }
}
