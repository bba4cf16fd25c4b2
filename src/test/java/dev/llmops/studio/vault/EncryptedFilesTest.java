package dev.llmops.studio.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EncryptedFilesTest {

    /** Small segments, so that tampering with every segment of a many-segment file stays cheap. */
    private static final int SEGMENT = 64;
    private static final int SEALED = SEGMENT + FileHeader.TAG_BYTES;
    private static final int HEADER = FileHeader.LENGTH;
    private static final int MIB = 1 << 20;

    private final MasterKey master = MasterKey.generate();
    private final EncryptedFiles small = new EncryptedFiles(MasterKeyRing.of(master), SEGMENT);

    @TempDir
    Path folder;

    static Stream<Arguments> contents() {
        return Stream.of(
                Arguments.of("empty", 0, SEGMENT),
                Arguments.of("one byte", 1, SEGMENT),
                Arguments.of("small", 50, SEGMENT),
                Arguments.of("exactly one segment", SEGMENT, SEGMENT),
                Arguments.of("one segment and a byte", SEGMENT + 1, SEGMENT),
                Arguments.of("exactly three segments", 3 * SEGMENT, SEGMENT),
                Arguments.of("many segments", 10 * SEGMENT + 17, SEGMENT),
                Arguments.of("empty, default segments", 0, EncryptedFiles.DEFAULT_SEGMENT_SIZE),
                Arguments.of("small, default segments", 1000, EncryptedFiles.DEFAULT_SEGMENT_SIZE),
                Arguments.of("exactly one default segment", EncryptedFiles.DEFAULT_SEGMENT_SIZE,
                        EncryptedFiles.DEFAULT_SEGMENT_SIZE),
                Arguments.of("3.5 MiB: many default segments", 3 * MIB + MIB / 2, EncryptedFiles.DEFAULT_SEGMENT_SIZE),
                Arguments.of("3.5 MiB in 1 MiB segments", 3 * MIB + MIB / 2, MIB));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contents")
    void roundTripsAnyLength(String name, int length, int segmentSize) throws IOException {
        byte[] plain = random(length, length);
        EncryptedFiles files = new EncryptedFiles(MasterKeyRing.of(master), segmentSize);
        Path file = folder.resolve("f.enc");

        assertThat(files.encrypt(new ByteArrayInputStream(plain), file)).isEqualTo(length);

        long segments = Math.max(1, (length + segmentSize - 1) / segmentSize);
        assertThat(Files.size(file)).isEqualTo(HEADER + length + segments * FileHeader.TAG_BYTES);
        assertThat(EncryptedFiles.plaintextSize(file)).isEqualTo(length);
        assertThat(readAll(files, file)).isEqualTo(plain);
        assertThat(Files.list(folder)).as("no partial file left").containsExactly(file);
    }

    @Test
    void readsByteByByteAndInOddChunksTheSame() throws IOException {
        byte[] plain = random(5 * SEGMENT + 3, 7);
        Path file = encrypt(plain);
        try (InputStream in = small.openDecrypting(file)) {
            byte[] single = new byte[plain.length];
            for (int i = 0; i < plain.length; i++) {
                int b = in.read();
                assertThat(b).isNotNegative();
                single[i] = (byte) b;
            }
            assertThat(in.read()).isEqualTo(-1);
            assertThat(single).isEqualTo(plain);
        }
        try (InputStream in = small.openDecrypting(file)) {
            byte[] chunk = new byte[37];
            ByteBuffer all = ByteBuffer.allocate(plain.length);
            int n;
            while ((n = in.read(chunk, 0, chunk.length)) > 0) {
                all.put(chunk, 0, n);
            }
            assertThat(all.array()).isEqualTo(plain);
        }
    }

    @Test
    void theFileHoldsNoWindowOfTheWeightsItEncrypts() throws IOException {
        Random random = new Random(20261128);
        ByteBuffer row = ByteBuffer.allocate(256 * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 256; i++) {
            row.putFloat((float) random.nextGaussian() * 0.02f);
        }
        byte[] weights = row.array();
        EncryptedFiles files = new EncryptedFiles(MasterKeyRing.of(master));
        Path file = folder.resolve("weights.enc");
        files.encrypt(new ByteArrayInputStream(weights), file);

        byte[] encrypted = Files.readAllBytes(file);
        for (int start = 0; start + 16 <= weights.length; start++) {
            byte[] window = Arrays.copyOfRange(weights, start, start + 16);
            assertThat(indexOf(encrypted, window)).as("16 plaintext bytes from offset %d", start).isEqualTo(-1);
        }
        assertThat(readAll(files, file)).isEqualTo(weights);
    }

    @Test
    void encryptingTheSameContentTwiceGivesUnrelatedFiles() throws IOException {
        byte[] plain = random(3 * SEGMENT, 3);
        Path first = encrypt(plain);
        Path second = folder.resolve("second.enc");
        small.encrypt(new ByteArrayInputStream(plain), second);
        byte[] a = Files.readAllBytes(first);
        byte[] b = Files.readAllBytes(second);
        assertThat(Arrays.copyOfRange(a, HEADER, a.length)).isNotEqualTo(Arrays.copyOfRange(b, HEADER, b.length));
    }

    @Test
    void aFlippedByteInAnySegmentFailsAtThatSegment() throws IOException {
        byte[] plain = random(6 * SEGMENT + 20, 11);
        Path original = encrypt(plain);
        byte[] sealed = Files.readAllBytes(original);
        int segments = 7;
        for (int segment = 0; segment < segments; segment++) {
            int segmentLength = Math.min(SEALED, sealed.length - HEADER - segment * SEALED);
            // one byte of the ciphertext, and one of the tag
            for (int at : new int[] {3, segmentLength - 1}) {
                byte[] tampered = sealed.clone();
                tampered[HEADER + segment * SEALED + at] ^= 0x01;
                Path file = write("tampered.enc", tampered);
                int failingSegment = segment + 1;
                assertThatThrownBy(() -> readAll(small, file))
                        .isInstanceOf(EncryptedFileException.class)
                        .hasMessageContaining("was modified or truncated")
                        .hasMessageContaining("authentication failed at segment " + failingSegment + ",");
            }
        }
    }

    @Test
    void aFlippedByteAnywhereInTheHeaderFails() throws IOException {
        Path original = encrypt(random(2 * SEGMENT, 5));
        byte[] sealed = Files.readAllBytes(original);
        for (int at = 0; at < HEADER; at++) {
            byte[] tampered = sealed.clone();
            tampered[at] ^= 0x01;
            Path file = write("header.enc", tampered);
            int position = at;
            assertThatThrownBy(() -> readAll(small, file)).as("byte %d of the header", position)
                    .isInstanceOf(EncryptedFileException.class);
        }
    }

    @Test
    void headerFailuresSayWhatIsWrong() throws IOException {
        byte[] sealed = Files.readAllBytes(encrypt(random(100, 1)));

        byte[] magic = sealed.clone();
        magic[0] ^= 1;
        assertThatThrownBy(() -> readAll(small, write("magic.enc", magic)))
                .hasMessageContaining("is not an encrypted file");

        byte[] keyId = sealed.clone();
        keyId[FileHeader.PREFIX_BYTES] ^= 1;
        assertThatThrownBy(() -> readAll(small, write("key-id.enc", keyId)))
                .hasMessageContaining("is encrypted with master key").hasMessageContaining("which is not configured");

        byte[] wrapped = sealed.clone();
        wrapped[HEADER - 1] ^= 1;
        assertThatThrownBy(() -> readAll(small, write("wrapped.enc", wrapped)))
                .hasMessageContaining("has a modified header");

        byte[] baseNonce = sealed.clone();
        baseNonce[FileHeader.PREFIX_BYTES - 1] ^= 1;
        assertThatThrownBy(() -> readAll(small, write("nonce.enc", baseNonce)))
                .as("the prefix is part of the key wrap's AAD").hasMessageContaining("has a modified header");
    }

    @Test
    void aTruncatedFileFailsWhereverItIsCut() throws IOException {
        byte[] plain = random(4 * SEGMENT + 30, 13);
        byte[] sealed = Files.readAllBytes(encrypt(plain));
        int[] cuts = {
            0, 5, HEADER - 1, // inside the header
            HEADER, // header only
            HEADER + 10, HEADER + SEALED + 40, HEADER + 2 * SEALED + SEALED - 1, // mid-segment
            HEADER + SEALED, HEADER + 2 * SEALED, HEADER + 4 * SEALED, // at segment boundaries
            sealed.length - 1};
        for (int cut : cuts) {
            Path file = write("cut.enc", Arrays.copyOf(sealed, cut));
            assertThatThrownBy(() -> readAll(small, file)).as("cut at %d of %d bytes", cut, sealed.length)
                    .isInstanceOf(EncryptedFileException.class)
                    .satisfiesAnyOf(
                            e -> assertThat(e).hasMessageContaining("was modified or truncated"),
                            e -> assertThat(e).hasMessageContaining("was truncated"),
                            e -> assertThat(e).hasMessageContaining("is not an encrypted file"));
        }
        Path atBoundary = write("boundary.enc", Arrays.copyOf(sealed, HEADER + 2 * SEALED));
        assertThatThrownBy(() -> readAll(small, atBoundary))
                .hasMessageContaining("authentication failed at segment 2,");
    }

    @Test
    void swappedDroppedOrAppendedSegmentsFail() throws IOException {
        byte[] sealed = Files.readAllBytes(encrypt(random(4 * SEGMENT + 30, 17)));

        byte[] swapped = sealed.clone();
        System.arraycopy(sealed, HEADER + SEALED, swapped, HEADER + 2 * SEALED, SEALED);
        System.arraycopy(sealed, HEADER + 2 * SEALED, swapped, HEADER + SEALED, SEALED);
        assertThatThrownBy(() -> readAll(small, write("swapped.enc", swapped)))
                .isInstanceOf(EncryptedFileException.class)
                .hasMessageContaining("authentication failed at segment 2,");

        byte[] dropped = new byte[sealed.length - SEALED];
        System.arraycopy(sealed, 0, dropped, 0, HEADER + SEALED);
        System.arraycopy(sealed, HEADER + 2 * SEALED, dropped, HEADER + SEALED, sealed.length - HEADER - 2 * SEALED);
        assertThatThrownBy(() -> readAll(small, write("dropped.enc", dropped)))
                .hasMessageContaining("authentication failed at segment 2,");

        byte[] appended = Arrays.copyOf(sealed, sealed.length + 1);
        assertThatThrownBy(() -> readAll(small, write("appended.enc", appended)))
                .hasMessageContaining("was modified or truncated");
    }

    @Test
    void segmentsOrKeySlotsFromAnotherFileDoNotFit() throws IOException {
        byte[] a = Files.readAllBytes(encrypt(random(3 * SEGMENT, 1)));
        Path otherFile = folder.resolve("other.enc");
        small.encrypt(new ByteArrayInputStream(random(3 * SEGMENT, 1)), otherFile);
        byte[] b = Files.readAllBytes(otherFile);

        byte[] foreignSegment = a.clone();
        System.arraycopy(b, HEADER + SEALED, foreignSegment, HEADER + SEALED, SEALED);
        assertThatThrownBy(() -> readAll(small, write("foreign-segment.enc", foreignSegment)))
                .hasMessageContaining("authentication failed at segment 2,");

        byte[] foreignKeySlot = a.clone();
        System.arraycopy(b, FileHeader.PREFIX_BYTES, foreignKeySlot, FileHeader.PREFIX_BYTES,
                HEADER - FileHeader.PREFIX_BYTES);
        assertThatThrownBy(() -> readAll(small, write("foreign-slot.enc", foreignKeySlot)))
                .hasMessageContaining("has a modified header");
    }

    @Test
    void noPlaintextBeyondTheLastVerifiedSegmentReachesTheReader() throws IOException {
        byte[] plain = random(5 * SEGMENT, 23);
        byte[] sealed = Files.readAllBytes(encrypt(plain));
        sealed[HEADER + 2 * SEALED + 5] ^= 0x40;
        Path file = write("third-segment-modified.enc", sealed);

        ByteBuffer received = ByteBuffer.allocate(plain.length);
        try (InputStream in = small.openDecrypting(file)) {
            byte[] chunk = new byte[1000];
            assertThatThrownBy(() -> {
                int n;
                while ((n = in.read(chunk)) > 0) {
                    received.put(chunk, 0, n);
                }
            }).isInstanceOf(EncryptedFileException.class).hasMessageContaining("segment 3,");
            assertThatThrownBy(in::read).as("the stream stays failed").isInstanceOf(EncryptedFileException.class);
        }
        assertThat(received.position()).isEqualTo(2 * SEGMENT);
        assertThat(Arrays.copyOf(received.array(), 2 * SEGMENT)).isEqualTo(Arrays.copyOf(plain, 2 * SEGMENT));
    }

    @Test
    void aFileUnderAnUnconfiguredKeyNamesThatKey() throws IOException {
        Path file = encrypt(random(10, 2));
        MasterKey other = MasterKey.generate();
        EncryptedFiles withOtherKey = new EncryptedFiles(MasterKeyRing.of(other), SEGMENT);

        assertThatThrownBy(() -> withOtherKey.openDecrypting(file))
                .isInstanceOf(EncryptedFileException.class)
                .hasMessageContaining("is encrypted with master key " + master.id())
                .hasMessageContaining("current " + other.id())
                .hasMessageContaining("studio.security.previous-master-key-files");
    }

    @Test
    void contentCutShortByAnExceptionIsNeverStored() {
        Path target = folder.resolve("never.enc");
        assertThatThrownBy(() -> small.write(target, out -> {
            out.write(random(3 * SEGMENT, 4));
            throw new IOException("source failed");
        })).hasMessage("source failed");
        assertThat(target).doesNotExist();
        assertThat(folder).isEmptyDirectory();
    }

    @Test
    void aNonEncryptedFileIsRecognised() throws IOException {
        Path plainFile = write("plain.bin", random(200, 9));
        assertThat(EncryptedFiles.isEncryptedFile(plainFile)).isFalse();
        assertThat(EncryptedFiles.isEncryptedFile(encrypt(random(1, 1)))).isTrue();
        assertThatThrownBy(() -> small.openDecrypting(plainFile)).isInstanceOf(EncryptedFileException.class)
                .hasMessageContaining("is not an encrypted file");
    }

    @Test
    void rewrapChangesOnlyTheKeySlotAndTheFileFollowsTheNewKey() throws IOException {
        byte[] plain = random(4 * SEGMENT + 9, 31);
        Path file = encrypt(plain);
        byte[] before = Files.readAllBytes(file);
        MasterKey next = MasterKey.generate();

        assertThat(EncryptedFiles.rewrap(file, master, next)).isTrue();

        byte[] after = Files.readAllBytes(file);
        assertThat(after).hasSameSizeAs(before);
        assertThat(Arrays.copyOf(after, FileHeader.PREFIX_BYTES)).as("file identity")
                .isEqualTo(Arrays.copyOf(before, FileHeader.PREFIX_BYTES));
        assertThat(Arrays.copyOfRange(after, HEADER, after.length)).as("content bytes untouched")
                .isEqualTo(Arrays.copyOfRange(before, HEADER, before.length));
        assertThat(EncryptedFiles.masterKeyId(file)).isEqualTo(next.id());

        assertThat(readAll(new EncryptedFiles(MasterKeyRing.of(next), SEGMENT), file)).isEqualTo(plain);
        assertThat(readAll(new EncryptedFiles(MasterKeyRing.of(next, master), SEGMENT), file))
                .as("new key current, old key previous (change-over)").isEqualTo(plain);
        assertThat(readAll(new EncryptedFiles(MasterKeyRing.of(master, next), SEGMENT), file))
                .as("old key current, new key previous (servers told of the new key before the rotation)")
                .isEqualTo(plain);
        assertThatThrownBy(() -> readAll(small, file)).as("the old key alone")
                .isInstanceOf(EncryptedFileException.class).hasMessageContaining("which is not configured");

        assertThat(EncryptedFiles.rewrap(file, master, next)).as("already done").isFalse();
        assertThatThrownBy(() -> EncryptedFiles.rewrap(file, MasterKey.generate(), MasterKey.generate()))
                .isInstanceOf(EncryptedFileException.class).hasMessageContaining("is wrapped by master key");
        try (Stream<Path> left = Files.list(folder)) {
            assertThat(left).as("no partial file left").containsExactly(file);
        }
    }

    @Test
    void rewrapRefusesAModifiedKeySlotAndLeavesTheFileAsItWas() throws IOException {
        byte[] sealed = Files.readAllBytes(encrypt(random(100, 3)));
        sealed[HEADER - 3] ^= 1;
        Path file = write("bad-slot.enc", sealed);
        assertThatThrownBy(() -> EncryptedFiles.rewrap(file, master, MasterKey.generate()))
                .hasMessageContaining("has a modified header");
        assertThat(Files.readAllBytes(file)).isEqualTo(sealed);
    }

    private Path encrypt(byte[] plain) throws IOException {
        Path file = folder.resolve("original.enc");
        small.encrypt(new ByteArrayInputStream(plain), file);
        return file;
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(folder.resolve(name), bytes);
    }

    private static byte[] readAll(EncryptedFiles files, Path file) throws IOException {
        try (InputStream in = files.openDecrypting(file)) {
            return in.readAllBytes();
        }
    }

    private static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
