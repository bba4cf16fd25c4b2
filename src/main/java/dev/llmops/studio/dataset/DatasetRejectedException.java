package dev.llmops.studio.dataset;

import dev.llmops.studio.platform.InvalidRequestException;
import java.util.List;

/** The upload had bad rows and "reject file" was chosen: no version was created; the report says why. */
public class DatasetRejectedException extends InvalidRequestException {

    private final transient VersionReport report;

    DatasetRejectedException(VersionReport report) {
        super("file", report.rowsRejected() + " of " + report.rowsRead() + " rows are invalid, so no version was "
                + "created (first: " + report.firstErrors().get(0) + "). Fix the file, or choose to skip bad rows.");
        this.report = report;
    }

    public VersionReport report() {
        return report;
    }

    @Override
    public List<String> details() {
        return report.firstErrors().stream().map(RowError::toString).toList();
    }
}
