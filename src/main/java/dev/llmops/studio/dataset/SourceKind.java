package dev.llmops.studio.dataset;

/** Where a version came from (its lineage). */
public enum SourceKind {
    UPLOAD, RUN, FEEDBACK, ERASURE
}
