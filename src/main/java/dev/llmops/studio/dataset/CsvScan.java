package dev.llmops.studio.dataset;

/**
 * A quote-aware walk over CSV text that follows Commons CSV's rules: a quote opens a field only as its first
 * character, a doubled quote inside a quoted field is a quote, after the closing quote only blanks may come
 * before the delimiter or the line end, and CR, LF or CRLF end a record. It answers what Commons CSV does not
 * tell: how many fields each record of a sample has under a candidate delimiter (delimiter detection), and which
 * field of a record that Commons CSV gave up on is at fault, and on which line it started.
 */
final class CsvScan {

    enum Problem {
        /** The quoted field runs to the end of the text it was given. */
        UNTERMINATED,
        /** Something other than a delimiter or a line end follows the closing quote. */
        TEXT_AFTER_QUOTE
    }

    private static final int DELIMITER = 0;
    private static final int RECORD_END = 1;
    private static final int TEXT = 2;

    private final char[] text;
    private final int end;
    private final char delimiter;
    private int position;
    private long line;
    private int fields;
    private boolean blank;
    private Problem problem;
    private long problemLine;
    private int problemField;

    CsvScan(char[] text, int start, int end, long firstLine, char delimiter) {
        this.text = text;
        this.position = start;
        this.end = end;
        this.line = firstLine;
        this.delimiter = delimiter;
    }

    /**
     * Scans the next record; false when no text is left. After a {@link Problem#TEXT_AFTER_QUOTE} the rest of the
     * physical line is skipped, as a reader would resynchronise; after {@link Problem#UNTERMINATED} the text is
     * used up.
     */
    boolean next() {
        if (position >= end) {
            return false;
        }
        fields = 1;
        problem = null;
        blank = true;
        boolean fieldStart = true;
        while (position < end) {
            char c = text[position++];
            if (fieldStart && c == '"') {
                blank = false;
                long startLine = line;
                if (!skipQuoted()) {
                    fail(Problem.UNTERMINATED, startLine);
                    return true;
                }
                int after = afterClosingQuote();
                if (after == TEXT) {
                    fail(Problem.TEXT_AFTER_QUOTE, startLine);
                    skipRestOfLine();
                    return true;
                }
                if (after == RECORD_END) {
                    return true;
                }
                fields++;
                continue;
            }
            fieldStart = false;
            if (c == delimiter) {
                fields++;
                fieldStart = true;
                blank = false;
            } else if (c == '\n' || c == '\r') {
                endOfLine(c);
                return true;
            } else if (!Character.isWhitespace(c)) {
                blank = false;
            }
        }
        return true;
    }

    /** Fields in the record just scanned. */
    int fields() {
        return fields;
    }

    /** Whether the record just scanned was an empty or all-blank line, which readers skip. */
    boolean blank() {
        return blank;
    }

    /** What is wrong with the record just scanned, or null. */
    Problem problem() {
        return problem;
    }

    /** The line where the faulty field starts. */
    long problemLine() {
        return problemLine;
    }

    /** The 1-based number of the faulty field. */
    int problemField() {
        return problemField;
    }

    int position() {
        return position;
    }

    private void fail(Problem found, long startLine) {
        problem = found;
        problemLine = startLine;
        problemField = fields;
    }

    /** Consumes a quoted field up to and including its closing quote; false when the text ends first. */
    private boolean skipQuoted() {
        while (position < end) {
            char c = text[position++];
            if (c == '"') {
                if (position < end && text[position] == '"') {
                    position++;
                } else {
                    return true;
                }
            } else if (c == '\n' || c == '\r') {
                endOfLine(c);
            }
        }
        return false;
    }

    /** After a closing quote only blanks may come before a delimiter, a line end or the end of the text. */
    private int afterClosingQuote() {
        while (position < end) {
            char c = text[position++];
            if (c == delimiter) {
                return DELIMITER;
            }
            if (c == '\n' || c == '\r') {
                endOfLine(c);
                return RECORD_END;
            }
            if (!Character.isWhitespace(c)) {
                return TEXT;
            }
        }
        return RECORD_END;
    }

    private void skipRestOfLine() {
        while (position < end) {
            char c = text[position++];
            if (c == '\n' || c == '\r') {
                endOfLine(c);
                return;
            }
        }
    }

    private void endOfLine(char c) {
        line++;
        if (c == '\r' && position < end && text[position] == '\n') {
            position++;
        }
    }
}
