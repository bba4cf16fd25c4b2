package dev.llmops.studio.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HexFormat;

/**
 * Strict UTF-8 decoding that still lets parsing go on. A malformed byte sequence becomes U+FFFD in the text, so a
 * parser reading ahead is not stopped by it, and is also recorded with its line and column, so the row holding it
 * is rejected instead of stored with the replacement: a decoder that throws could not say which row, and one that
 * replaces silently would corrupt the data. Lines are counted like Commons CSV counts them (CR, LF and CRLF each
 * end one), so the positions agree with the parsers' line numbers. A UTF-8 byte order mark is skipped.
 */
final class Utf8Reader extends Reader {

    /** A malformed sequence at a 1-based line and column (in UTF-16 units, as editors count). */
    record Malformed(long line, int column, String reason) {
    }

    private static final int BUFFER = 64 * 1024;
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(BUFFER);
    private final CharBuffer chars = CharBuffer.allocate(BUFFER);
    private final ArrayDeque<Malformed> errors = new ArrayDeque<>();
    private final boolean bom;
    private boolean endOfInput;
    private boolean flushed;
    // position just past the last decoded char
    private long line = 1;
    private int column;
    private boolean afterCr;
    private long bytesRead;

    private Utf8Reader(InputStream in) throws IOException {
        this.in = in;
        chars.flip();
        bytes.flip();
        while (bytes.remaining() < 3 && !endOfInput) {
            readBytes();
        }
        int b0 = bytes.remaining() > 0 ? bytes.get(0) & 0xff : -1;
        int b1 = bytes.remaining() > 1 ? bytes.get(1) & 0xff : -1;
        if (b0 == 0xef && b1 == 0xbb && bytes.remaining() > 2 && (bytes.get(2) & 0xff) == 0xbf) {
            bytes.position(3);
            bom = true;
        } else if (b0 == 0xfe && b1 == 0xff || b0 == 0xff && b1 == 0xfe) {
            // every line would be one long list of encoding errors; one clear message is worth more
            throw new DatasetFileException(new RowError(null, 1, 1, "the file is UTF-16; save it as UTF-8"));
        } else {
            bom = false;
        }
    }

    static Utf8Reader open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        try {
            return new Utf8Reader(in);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** Bytes taken from the file so far (a buffer ahead of the text handed out), for progress bars. */
    long bytesRead() {
        return bytesRead;
    }

    boolean bom() {
        return bom;
    }

    /**
     * The first encoding error on a line up to {@code lastLine}, or null; errors up to that line are dropped, as
     * callers ask line by line (or record by record) in file order.
     */
    Malformed pollError(long lastLine) {
        Malformed first = null;
        while (!errors.isEmpty() && errors.peekFirst().line() <= lastLine) {
            Malformed error = errors.pollFirst();
            if (first == null) {
                first = error;
            }
        }
        return first;
    }

    @Override
    public int read(char[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!chars.hasRemaining() && !fill()) {
            return -1;
        }
        int n = Math.min(length, chars.remaining());
        chars.get(target, offset, n);
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private boolean fill() throws IOException {
        if (flushed) {
            return false;
        }
        chars.clear();
        int scanned = 0;
        while (true) {
            CoderResult result = decoder.decode(bytes, chars, endOfInput);
            if (result.isError()) {
                if (!chars.hasRemaining()) {
                    break; // the next fill meets the error again, with room for the replacement
                }
                track(scanned, chars.position());
                malformed(result.length());
                scanned = chars.position();
                chars.put('\uFFFD');
            } else if (result.isOverflow()) {
                break;
            } else if (endOfInput) {
                decoder.flush(chars);
                flushed = true;
                break;
            } else {
                bytes.compact();
                bytes.flip();
                readBytes();
            }
        }
        track(scanned, chars.position());
        chars.flip();
        return chars.hasRemaining();
    }

    private void readBytes() throws IOException {
        int end = bytes.limit();
        bytes.limit(bytes.capacity());
        int n = in.read(bytes.array(), end, bytes.capacity() - end);
        if (n > 0) {
            bytesRead += n;
        }
        bytes.limit(n < 0 ? end : end + n);
        endOfInput = n < 0;
    }

    private void malformed(int length) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < length; i++) {
            hex.append(i == 0 ? "0x" : " 0x").append(HEX.toHexDigits(bytes.get()));
        }
        // one error per line is all a row rejection needs, and a binary file must not fill memory with them
        if (errors.isEmpty() || errors.peekLast().line() != line) {
            errors.add(new Malformed(line, column + 1,
                    "invalid UTF-8 (" + (length == 1 ? "byte " : "bytes ") + hex + ")"));
        }
    }

    private void track(int from, int to) {
        char[] text = chars.array();
        for (int i = from; i < to; i++) {
            char c = text[i];
            if (c > '\r') {
                column++;
                afterCr = false;
            } else if (c == '\n') {
                if (!afterCr) {
                    line++;
                }
                column = 0;
                afterCr = false;
            } else if (c == '\r') {
                line++;
                column = 0;
                afterCr = true;
            } else {
                column++;
                afterCr = false;
            }
        }
    }
}
