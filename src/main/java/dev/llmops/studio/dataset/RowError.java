package dev.llmops.studio.dataset;

/**
 * Why a row of an uploaded file was rejected, pointing at it exactly: file name, 1-based line (the physical line
 * where the row starts) and 1-based column (CSV: the field's column; JSONL: the character position of the
 * problem in the line; null when the whole row is at fault).
 */
public record RowError(String file, long line, Integer column, String reason) {

    @Override
    public String toString() {
        return file + ":" + line + (column == null ? "" : ":" + column) + ": " + reason;
    }
}
