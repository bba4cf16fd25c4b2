package dev.llmops.studio.vault;

import java.io.IOException;
import java.io.OutputStream;
import javax.crypto.SecretKey;

/**
 * Writes the header, then the content in sealed segments. A full segment is held back until more content
 * arrives, because only then is it known not to be the final one; {@link #close()} seals what is left as the
 * final segment (an empty one when there was no content at all). Memory: two segment buffers.
 */
final class EncryptingOutputStream extends OutputStream {

    private final OutputStream sink;
    private final SegmentCipher cipher;
    private final byte[] plain;
    private final byte[] sealed;
    private int buffered;
    private long index;
    private long plaintextBytes;
    private boolean closed;

    EncryptingOutputStream(OutputStream sink, FileHeader header, SecretKey dataKey) throws IOException {
        this.sink = sink;
        this.cipher = new SegmentCipher(dataKey, header);
        this.plain = new byte[header.segmentSize()];
        this.sealed = new byte[header.segmentSize() + FileHeader.TAG_BYTES];
        sink.write(header.toBytes());
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (closed) {
            throw new IOException("encrypted stream already closed");
        }
        while (length > 0) {
            if (buffered == plain.length) {
                writeSegment(false);
            }
            int chunk = Math.min(length, plain.length - buffered);
            System.arraycopy(bytes, offset, plain, buffered, chunk);
            buffered += chunk;
            offset += chunk;
            length -= chunk;
            plaintextBytes += chunk;
        }
    }

    long plaintextBytes() {
        return plaintextBytes;
    }

    /** Seals the final segment and closes the sink. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (sink) {
            writeSegment(true);
        }
    }

    private void writeSegment(boolean last) throws IOException {
        int length = cipher.seal(index, last, plain, buffered, sealed);
        sink.write(sealed, 0, length);
        index++;
        buffered = 0;
    }
}
