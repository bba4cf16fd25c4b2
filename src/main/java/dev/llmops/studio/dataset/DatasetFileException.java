package dev.llmops.studio.dataset;

/**
 * A file that cannot be read as a dataset at all (empty, an unusable CSV header, not UTF-8 text), as opposed to
 * rows that are rejected one by one. {@link #error()} points at the problem the way a row error does.
 */
public final class DatasetFileException extends IllegalArgumentException {

    private final transient RowError error;

    DatasetFileException(RowError error) {
        super(error.toString());
        this.error = error;
    }

    public RowError error() {
        return error;
    }
}
