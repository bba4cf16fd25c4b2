package dev.llmops.studio.dataset;

/** What a bad row does to an upload. */
public enum OnRowError {
    /** No version is created while the file has a bad row; the report lists them. */
    REJECT_FILE,
    /** Bad rows are left out and counted; the rest becomes the version. */
    SKIP_BAD_ROWS
}
