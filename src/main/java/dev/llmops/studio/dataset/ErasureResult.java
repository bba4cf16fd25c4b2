package dev.llmops.studio.dataset;

import java.util.List;

/** What an erasure did: the versions that contained the value, and the clean versions that replace them. */
public record ErasureResult(List<String> erasedVersions, List<String> cleanVersions) {
}
