package dev.llmops.studio.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.studio.platform.NotFoundException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactStoreTest {

    @TempDir
    Path root;

    @Test
    void contentIsAddressedByItsSha256AndStoredOnce() throws Exception {
        ArtifactStore store = new ArtifactStore(root);
        byte[] content = "hello artifacts".getBytes(StandardCharsets.UTF_8);

        ArtifactRef first = store.put(new ByteArrayInputStream(content));
        ArtifactRef second = store.put(new ByteArrayInputStream(content));

        assertThat(first).isEqualTo(second);
        assertThat(first.sha256()).isEqualTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(content)));
        assertThat(ArtifactRef.parse(first.toString())).isEqualTo(first);
        try (InputStream in = store.open(first)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        assertThat(store.size(first)).isEqualTo(content.length);
        assertThat(objectCount()).isEqualTo(1);
        assertThat(incoming()).isEmpty();
    }

    @Test
    void largeContentStreamsThroughWithoutBeingHeldInMemory() throws Exception {
        ArtifactStore store = new ArtifactStore(root);
        long size = 300L * 1024 * 1024; // larger than the heap this check cares about: content is generated lazily
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        InputStream generated = new InputStream() {
            private long left = size;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (left == 0) {
                    return -1;
                }
                int n = (int) Math.min(length, left);
                for (int i = 0; i < n; i++) {
                    buffer[offset + i] = (byte) ((size - left + i) * 31);
                }
                expected.update(buffer, offset, n);
                left -= n;
                return n;
            }
        };
        long heapBefore = usedHeap();
        ArtifactRef ref = store.put(generated);
        assertThat(ref.sha256()).isEqualTo(HexFormat.of().formatHex(expected.digest()));
        assertThat(store.size(ref)).isEqualTo(size);
        assertThat(usedHeap() - heapBefore).as("heap growth while storing 300 MB").isLessThan(100L * 1024 * 1024);
        store.delete(ref);
    }

    @Test
    void aFailedUploadLeavesNothingBehind() {
        ArtifactStore store = new ArtifactStore(root);
        InputStream breaksMidway = new InputStream() {
            private int sent;

            @Override
            public int read() throws IOException {
                if (sent++ > 10_000) {
                    throw new IOException("connection reset");
                }
                return 'x';
            }
        };
        assertThatThrownBy(() -> store.put(breaksMidway)).hasMessageContaining("connection reset");
        assertThat(objectCount()).isZero();
        assertThat(incoming()).isEmpty();
    }

    @Test
    void missingArtifactsAndMalformedReferencesAreNamed() {
        ArtifactStore store = new ArtifactStore(root);
        ArtifactRef absent = new ArtifactRef("0".repeat(64));
        assertThatThrownBy(() -> store.open(absent)).isInstanceOf(NotFoundException.class)
                .hasMessageContaining(absent.toString());
        assertThatThrownBy(() -> ArtifactRef.parse("test://x")).hasMessageContaining("expected sha256:<hex>");
        assertThatThrownBy(() -> ArtifactRef.parse("sha256:ABC")).hasMessageContaining("lower-case hex");
    }

    private long objectCount() {
        try (Stream<Path> files = Files.walk(root.resolve("objects"))) {
            return files.filter(Files::isRegularFile).count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private java.util.List<Path> incoming() {
        try (Stream<Path> files = Files.list(root.resolve("incoming"))) {
            return files.toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long usedHeap() {
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
