package dev.llmops.studio.dataset;

import java.util.List;

/** What changed between two versions, by example content (ids and splits aside), with a few of each. */
public record VersionDiff(int from, int to, long added, long removed, long unchanged, List<DatasetRecord> addedSamples,
        List<DatasetRecord> removedSamples) {
}
