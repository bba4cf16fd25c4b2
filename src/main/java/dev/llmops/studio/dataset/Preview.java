package dev.llmops.studio.dataset;

import java.util.List;
import java.util.Map;

/**
 * The first rows of a file for the upload screen and its column mapping: each row maps column to value in column
 * order; rows among them that could not be read are in {@code errors} instead.
 */
record Preview(List<String> columns, List<Map<String, String>> rows, List<RowError> errors) {

    Preview {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
        errors = List.copyOf(errors);
    }
}
