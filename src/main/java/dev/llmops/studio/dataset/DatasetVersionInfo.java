package dev.llmops.studio.dataset;

import java.time.OffsetDateTime;

/**
 * One immutable version. {@code artifact} is the content's address ({@code sha256:…}), null once erased;
 * {@code parentVersion} is the version this one was derived from (erasure), if any.
 */
public record DatasetVersionInfo(long id, long datasetId, String datasetName, int version, String artifact,
        long sizeBytes, long rows, long train, long validation, long test, SourceKind sourceKind, String sourceRef,
        Integer parentVersion, PiiPolicy piiPolicy, String piiKeepReason, VersionSettings settings,
        VersionReport report, String createdBy, OffsetDateTime createdAt, OffsetDateTime erasedAt) {

    public boolean erased() {
        return erasedAt != null;
    }
}
