package dev.llmops.studio.dataset;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The records of a CSV file through Commons CSV, with what an upload needs on top: the physical line each record
 * starts on, the header read and checked, ragged rows and encoding errors rejected, and recovery from quote
 * errors.
 *
 * <p>Lines: Commons CSV is told not to ignore empty lines, and they are skipped here instead, because when it skips
 * them itself it does so inside the next record, whose first line is then lost; with them kept, a record starts on
 * the line after the one where the previous record ended ({@link CSVParser#getCurrentLineNumber()}).
 *
 * <p>Quote errors: Commons CSV cannot go on after one (its lexer stops mid-record), so a new parser is started on
 * the line after the one where the faulty field began, reading again from text kept since the latest record
 * started. That recovers the common cases, a stray quote at the start of a field ({@code "Hello" she said}) or a
 * quote that is never closed, at the cost of one rejected row. A quoted field that does span lines and is then
 * broken may leave its later lines to be read as rows of their own. A record may be at most
 * {@link LineReader#MAX_LINE} characters long: an unclosed quote would otherwise swallow the rest of a 2 GB file
 * into one field.
 */
public final class CsvRows implements Closeable {

    public interface Visitor {

        /** A row with as many fields as the header; false stops the reading. */
        boolean row(long line, CSVRecord record);

        /** A rejected row; false stops the reading. */
        boolean rejected(RowError error);
    }

    private final String fileName;
    private final char delimiter;
    private final CSVFormat format;
    private final Utf8Reader utf8;
    private final Replay replay;
    private final List<String> columns;
    private final long headerLine;
    private Iterator<CSVRecord> records;
    private CSVParser parser;
    // lines and chars before the current parser's first one (it counts from zero after a recovery)
    private long lineBase;
    private long charBase;
    private long nextLine;
    // where the latest record started: text is kept from there for diagnosis and recovery
    private long lastStart;
    private long lastStartLine;
    private CSVRecord record;
    private long recordLine;
    private RowError error;

    /**
     * Opens the file and reads its header.
     *
     * @throws DatasetFileException the file is empty, not UTF-8 text, or its header is unusable
     */
    public CsvRows(Path file, String fileName, char delimiter) throws IOException {
        this.fileName = fileName;
        this.delimiter = delimiter;
        this.format = CSVFormat.DEFAULT.builder()
                .setDelimiter(delimiter)
                .setQuote('"')
                .setIgnoreEmptyLines(false)
                .setTrim(false)
                .get();
        this.utf8 = Utf8Reader.open(file);
        this.replay = new Replay(utf8);
        try {
            startParser(0, 1);
            if (!advance()) {
                throw new DatasetFileException(new RowError(fileName, 1, null, "the file is empty"));
            }
            if (error != null) {
                throw new DatasetFileException(new RowError(fileName, error.line(), error.column(),
                        "header: " + error.reason()));
            }
            headerLine = recordLine;
            columns = List.of(record.values());
            checkHeader();
        } catch (IOException | RuntimeException e) {
            try {
                close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    public List<String> columns() {
        return columns;
    }

    public long headerLine() {
        return headerLine;
    }

    /** Hands the data rows to the visitor in file order. */
    long bytesRead() {
        return utf8.bytesRead();
    }

    public void read(Visitor visitor) throws IOException {
        while (advance()) {
            boolean more;
            if (error != null) {
                more = visitor.rejected(error);
            } else if (record.size() != columns.size()) {
                int firstMisfit = Math.min(record.size(), columns.size()) + 1;
                more = visitor.rejected(new RowError(fileName, recordLine, firstMisfit,
                        "row has " + fields(record.size()) + ", header has " + columns.size()));
            } else {
                more = visitor.row(recordLine, record);
            }
            if (!more) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        replay.close();
    }

    private static String fields(int n) {
        return n == 1 ? "1 field" : n + " fields";
    }

    private void checkHeader() {
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            String name = columns.get(i);
            if (name.isBlank()) {
                throw new DatasetFileException(new RowError(fileName, headerLine, i + 1,
                        "column " + (i + 1) + " has no name in the header"));
            }
            Integer earlier = seen.putIfAbsent(name, i);
            if (earlier != null) {
                throw new DatasetFileException(new RowError(fileName, headerLine, i + 1,
                        "column " + (i + 1) + " '" + name + "' has the same name as column " + (earlier + 1)));
            }
        }
    }

    /** Moves to the next non-blank record or rejected row; false at the end of the file. */
    private boolean advance() throws IOException {
        while (true) {
            record = null;
            error = null;
            long start = nextLine;
            CSVRecord next;
            try {
                if (!records.hasNext()) {
                    return false;
                }
                next = records.next();
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof CSVException) && !(e.getCause() instanceof RecordTooLong)) {
                    throw e.getCause();
                }
                error = recover(start, e.getCause());
                return true;
            }
            long last = lineBase + parser.getCurrentLineNumber();
            nextLine = last + 1;
            lastStart = charBase + next.getCharacterPosition();
            lastStartLine = start;
            replay.keepFrom(lastStart);
            replay.allowRecord();
            Utf8Reader.Malformed malformed = utf8.pollError(last);
            if (malformed != null) {
                // the column of a CSV row error is a field; the character tells an editor where to look
                error = new RowError(fileName, malformed.line(), replacedField(next),
                        malformed.reason() + " at character " + malformed.column());
                return true;
            }
            if (!blank(next)) {
                record = next;
                recordLine = start;
                return true;
            }
        }
    }

    /** The first field holding the replacement of a malformed sequence, which is the first one in the record. */
    private static Integer replacedField(CSVRecord record) {
        for (int i = 0; i < record.size(); i++) {
            if (record.get(i).indexOf('\uFFFD') >= 0) {
                return i + 1;
            }
        }
        return null;
    }

    private static boolean blank(CSVRecord record) {
        return record.size() == 1 && record.get(0).isBlank();
    }

    /**
     * Names the faulty field of the record starting on {@code start} that Commons CSV gave up on, and starts
     * parsing again on the line after the one where that field began.
     */
    private RowError recover(long start, Throwable cause) throws IOException {
        boolean tooLong = cause instanceof RecordTooLong;
        long from = replay.find(lastStart, lastStartLine, start);
        CsvScan scan = new CsvScan(replay.kept, replay.index(from), replay.keptLength, start, delimiter);
        scan.next();
        long line = start;
        Integer column = null;
        String reason;
        if (scan.problem() == CsvScan.Problem.UNTERMINATED) {
            line = scan.problemLine();
            column = scan.problemField();
            reason = "unterminated quote: the quoted field in column " + column + " never closes"
                    + (tooLong ? " within " + LineReader.MAX_LINE / (1024 * 1024) + " Mi characters" : "");
        } else if (scan.problem() == CsvScan.Problem.TEXT_AFTER_QUOTE) {
            line = scan.problemLine();
            column = scan.problemField();
            reason = "text after the closing quote of column " + column
                    + " (a quote inside a quoted field must be doubled: \"\")";
        } else if (tooLong) {
            reason = "row longer than " + LineReader.MAX_LINE / (1024 * 1024) + " Mi characters";
        } else {
            reason = cause.getMessage();
        }
        utf8.pollError(line);
        if (replay.seekLine(lastStart, lastStartLine, line + 1)) {
            startParser(replay.position, line + 1);
        } else {
            records = Collections.emptyIterator();
        }
        return new RowError(fileName, line, column, reason);
    }

    private void startParser(long position, long firstLine) throws IOException {
        charBase = position;
        lineBase = firstLine - 1;
        nextLine = firstLine;
        lastStart = position;
        lastStartLine = firstLine;
        replay.keepFrom(position);
        replay.allowRecord();
        parser = format.parse(replay);
        records = parser.iterator();
    }

    /** A record that outgrew {@link LineReader#MAX_LINE}; thrown into Commons CSV to stop its lexer. */
    private static final class RecordTooLong extends IOException {
        RecordTooLong() {
            super("row longer than " + LineReader.MAX_LINE + " characters");
        }
    }

    /**
     * Hands the decoded text on and keeps what was handed out since {@link #keepFrom}, so that a new parser can read
     * a stretch again. All reads are served from the kept text, so keeping costs one copy, not two.
     */
    private static final class Replay extends Reader {

        private final Reader in;
        private char[] kept = new char[64 * 1024];
        private long keptStart;
        private int keptLength;
        private long keepFrom;
        private long position;
        private long limit = Long.MAX_VALUE;

        Replay(Reader in) {
            this.in = in;
        }

        void keepFrom(long from) {
            keepFrom = from;
        }

        void allowRecord() {
            limit = position + LineReader.MAX_LINE;
        }

        int index(long at) {
            return (int) (at - keptStart);
        }

        @Override
        public int read(char[] target, int offset, int length) throws IOException {
            if (position >= limit) {
                throw new RecordTooLong();
            }
            if (position == keptStart + keptLength && !fetch()) {
                return -1;
            }
            int from = index(position);
            int n = Math.min(length, keptLength - from);
            System.arraycopy(kept, from, target, offset, n);
            position += n;
            return n;
        }

        /** The position where line {@code target} starts, counting from a known line start; -1 past the end. */
        long find(long from, long fromLine, long target) throws IOException {
            long at = from;
            for (long line = fromLine; line < target; ) {
                int c = charAt(at++);
                if (c < 0) {
                    return -1;
                }
                if (c == '\n') {
                    line++;
                } else if (c == '\r') {
                    line++;
                    if (charAt(at) == '\n') {
                        at++;
                    }
                }
            }
            return at;
        }

        /** Moves the read position to the start of line {@code target}; false when the text ends first. */
        boolean seekLine(long from, long fromLine, long target) throws IOException {
            long at = find(from, fromLine, target);
            if (at < 0) {
                return false;
            }
            position = at;
            return true;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }

        private int charAt(long at) throws IOException {
            while (at >= keptStart + keptLength) {
                // a line being skipped need not be kept, however long it is
                keepFrom = Math.max(keepFrom, at - 1);
                if (!fetch()) {
                    return -1;
                }
            }
            return kept[index(at)];
        }

        private boolean fetch() throws IOException {
            if (kept.length - keptLength < 8192) {
                int drop = (int) Math.min(keepFrom - keptStart, keptLength);
                if (drop > 0) {
                    System.arraycopy(kept, drop, kept, 0, keptLength - drop);
                    keptStart += drop;
                    keptLength -= drop;
                }
                if (kept.length - keptLength < 8192) {
                    kept = Arrays.copyOf(kept, kept.length * 2);
                }
            }
            int n = in.read(kept, keptLength, kept.length - keptLength);
            if (n < 0) {
                return false;
            }
            keptLength += n;
            return true;
        }
    }
}
