package dev.llmops.studio.dataset;

import dev.llmops.studio.platform.InvalidRequestException;

/**
 * How an upload becomes a version: the column mapping, the shares of the validation and test splits (the rest is
 * training data; stratified by label when there is one), the seed that makes the split repeatable, duplicate
 * removal, and the personal-data and bad-row policies.
 */
public record VersionSettings(ColumnMapping mapping, double validationShare, double testShare, long seed,
        boolean removeDuplicates, PiiPolicy piiPolicy, OnRowError onRowError) {

    public static VersionSettings defaults(ColumnMapping mapping) {
        return new VersionSettings(mapping, 0.1, 0.0, 42, true, PiiPolicy.REDACT, OnRowError.SKIP_BAD_ROWS);
    }

    public VersionSettings {
        if (validationShare < 0 || testShare < 0 || validationShare + testShare > 0.9) {
            throw new InvalidRequestException("validationShare", "Validation and test shares must be ≥ 0 and leave at least 10 % for"
                    + " training (got " + validationShare + " and " + testShare + ")");
        }
        mapping = mapping == null ? ColumnMapping.none() : mapping;
        piiPolicy = piiPolicy == null ? PiiPolicy.REDACT : piiPolicy;
        onRowError = onRowError == null ? OnRowError.SKIP_BAD_ROWS : onRowError;
    }
}
