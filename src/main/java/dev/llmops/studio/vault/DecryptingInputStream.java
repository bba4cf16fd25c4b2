package dev.llmops.studio.vault;

import java.io.IOException;
import java.io.InputStream;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;

/**
 * Reads sealed segments one at a time and hands on only plaintext whose segment verified. End of stream is
 * reported only after the segment flagged final verified, so a truncated file ends in an
 * {@link EncryptedFileException}, never in a quietly short read. After a failure every further read fails the
 * same way. Memory: two segment buffers.
 */
final class DecryptingInputStream extends InputStream {

    private final InputStream source;
    private final SegmentCipher cipher;
    private final String subject;
    private final int segmentSize;
    private final byte[] sealed;
    private final byte[] plain;
    private int position;
    private int available;
    private long index;
    private boolean finished;
    /** One byte read past a full segment to learn whether another follows; -1 when none is held. */
    private int lookahead = -1;
    private EncryptedFileException failure;

    DecryptingInputStream(InputStream source, FileHeader header, SecretKey dataKey, String subject) {
        this.source = source;
        this.cipher = new SegmentCipher(dataKey, header);
        this.subject = subject;
        this.segmentSize = header.segmentSize();
        this.sealed = new byte[segmentSize + FileHeader.TAG_BYTES];
        this.plain = new byte[segmentSize];
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (position == available) {
            if (finished) {
                return -1;
            }
            nextSegment();
        }
        int n = Math.min(length, available - position);
        System.arraycopy(plain, position, into, offset, n);
        position += n;
        return n;
    }

    @Override
    public int available() {
        return available - position;
    }

    @Override
    public void close() throws IOException {
        source.close();
    }

    private void nextSegment() throws IOException {
        if (failure != null) {
            throw failure;
        }
        int length = 0;
        if (lookahead >= 0) {
            sealed[length++] = (byte) lookahead;
            lookahead = -1;
        }
        length += source.readNBytes(sealed, length, sealed.length - length);
        boolean last = true;
        if (length == sealed.length) {
            int next = source.read();
            if (next >= 0) {
                lookahead = next;
                last = false;
            }
        }
        if (length == 0) {
            throw fail(subject + " was modified or truncated (segment " + (index + 1) + " is missing: the file ends "
                    + "after a segment that is not its last)", null);
        }
        try {
            if (length < FileHeader.TAG_BYTES) {
                throw new AEADBadTagException("shorter than a tag");
            }
            available = cipher.open(index, last, sealed, length, plain);
        } catch (AEADBadTagException e) {
            throw fail(subject + " was modified or truncated (authentication failed at segment " + (index + 1)
                    + ", content bytes from " + index * segmentSize + ")", e);
        }
        position = 0;
        finished = last;
        index++;
    }

    private EncryptedFileException fail(String message, Throwable cause) {
        position = 0;
        available = 0;
        failure = new EncryptedFileException(message, cause);
        return failure;
    }
}
