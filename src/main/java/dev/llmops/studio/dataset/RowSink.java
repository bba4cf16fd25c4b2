package dev.llmops.studio.dataset;

/** Receives the rows of a parsed file in file order: each row is either accepted as a record or rejected. */
interface RowSink {

    /** A valid row, with the physical line it starts on. */
    void accept(long line, DatasetRecord record);

    void reject(RowError error);

    /** How far into the file the parser is, in bytes; called after rows, for progress bars. */
    default void position(long bytesRead) {
    }
}
