package dev.llmops.studio.dataset;

import java.io.IOException;
import java.io.Reader;
import java.util.Arrays;

/**
 * Physical lines of a text, ended by CR, LF or CRLF (counted like Commons CSV and {@link Utf8Reader} count
 * them). A line that lies inside the read buffer is handed out in place, without a String or a copy; only lines
 * across a buffer boundary are gathered into a second buffer. A line longer than {@link #MAX_LINE} is reported as
 * too long and skipped rather than gathered, so a file without line breaks cannot fill the heap.
 */
final class LineReader {

    /** Far beyond any training example (about two million tokens), far below what would strain the heap. */
    static final int MAX_LINE = 8 * 1024 * 1024;

    private final Reader in;
    private final char[] buffer = new char[64 * 1024];
    private int position;
    private int end;
    private boolean endOfInput;
    private boolean skipLf;
    private char[] gathered = new char[1024];
    private char[] lineChars;
    private int lineStart;
    private int lineLength;
    private boolean tooLong;
    private long lineNumber;

    LineReader(Reader in) {
        this.in = in;
    }

    /** Moves to the next line; false at the end of the text. */
    boolean next() throws IOException {
        int length = 0;
        boolean any = false;
        tooLong = false;
        while (true) {
            if (position == end && !refill()) {
                if (!any) {
                    return false;
                }
                setLine(gathered, 0, length);
                return true;
            }
            if (skipLf) {
                skipLf = false;
                if (buffer[position] == '\n') {
                    position++;
                    continue;
                }
            }
            any = true;
            int start = position;
            int i = start;
            while (i < end && buffer[i] != '\n' && buffer[i] != '\r') {
                i++;
            }
            if (i < end) {
                skipLf = buffer[i] == '\r';
                position = i + 1;
                if (length == 0 && !tooLong) {
                    setLine(buffer, start, i - start);
                } else {
                    length = gather(length, start, i);
                    setLine(gathered, 0, length);
                }
                return true;
            }
            length = gather(length, start, end);
            position = end;
        }
    }

    long lineNumber() {
        return lineNumber;
    }

    /** True when the line was longer than {@link #MAX_LINE}; its text is then cut short. */
    boolean tooLong() {
        return tooLong;
    }

    char[] chars() {
        return lineChars;
    }

    int start() {
        return lineStart;
    }

    int length() {
        return lineLength;
    }

    boolean blank() {
        for (int i = lineStart, stop = lineStart + lineLength; i < stop; i++) {
            if (!Character.isWhitespace(lineChars[i])) {
                return false;
            }
        }
        return true;
    }

    String text() {
        return new String(lineChars, lineStart, lineLength);
    }

    private void setLine(char[] chars, int start, int length) {
        lineChars = chars;
        lineStart = start;
        lineLength = length;
        lineNumber++;
    }

    private int gather(int length, int from, int to) {
        int n = to - from;
        if (tooLong || length + n > MAX_LINE) {
            tooLong = true;
            return length;
        }
        if (length + n > gathered.length) {
            gathered = Arrays.copyOf(gathered, Math.max(length + n, Math.min(2 * gathered.length, MAX_LINE)));
        }
        System.arraycopy(buffer, from, gathered, length, n);
        return length + n;
    }

    private boolean refill() throws IOException {
        if (endOfInput) {
            return false;
        }
        int n = in.read(buffer, 0, buffer.length);
        if (n < 0) {
            endOfInput = true;
            return false;
        }
        position = 0;
        end = n;
        return true;
    }
}
