package dev.llmops.studio.dataset;

/** What a new version does with personal data found in it. */
public enum PiiPolicy {
    /** Replace each finding with a typed placeholder such as {@code <EMAIL>}. */
    REDACT,
    /** Leave out every example that contains personal data. */
    DROP,
    /** Keep it as it is: an admin's decision, with a reason, audited. */
    KEEP
}
