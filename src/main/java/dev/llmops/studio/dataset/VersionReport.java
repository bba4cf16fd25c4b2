package dev.llmops.studio.dataset;

import java.util.List;

/**
 * What reading an upload found: rows read and rejected (the first 100 errors, each with file, line and column),
 * duplicates removed, examples dropped for personal data, personal data per field and type, and the stats of
 * what the version holds.
 */
public record VersionReport(long rowsRead, long rowsRejected, List<RowError> firstErrors, long duplicatesRemoved,
        long droppedForPii, List<PiiFinding> pii, DatasetStats stats) {

    public static final int ERRORS_LISTED = 100;

    public VersionReport {
        firstErrors = firstErrors == null ? List.of() : List.copyOf(firstErrors);
        pii = pii == null ? List.of() : List.copyOf(pii);
    }
}
