package dev.llmops.studio.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    // ---- half and bfloat16 conversions

    @Test
    void halfBitPatternsWidenToTheirExactValues() {
        assertThat(HalfFloats.halfToFloat((short) 0x0000)).isEqualTo(0.0f);
        assertThat(Float.floatToRawIntBits(HalfFloats.halfToFloat((short) 0x8000))).isEqualTo(0x80000000);
        assertThat(HalfFloats.halfToFloat((short) 0x3c00)).isEqualTo(1.0f);
        assertThat(HalfFloats.halfToFloat((short) 0xc000)).isEqualTo(-2.0f);
        assertThat(HalfFloats.halfToFloat((short) 0x3555)).isEqualTo(0.333251953125f);
        assertThat(HalfFloats.halfToFloat((short) 0x7bff)).isEqualTo(65504.0f);
        assertThat(HalfFloats.halfToFloat((short) 0x0400)).isEqualTo(0x1p-14f);
        assertThat(HalfFloats.halfToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(HalfFloats.halfToFloat((short) 0x83ff)).isEqualTo(-1023 * 0x1p-24f);
        assertThat(HalfFloats.halfToFloat((short) 0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(HalfFloats.halfToFloat((short) 0xfc00)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(HalfFloats.halfToFloat((short) 0x7e00)).isNaN();
        assertThat(HalfFloats.halfToFloat((short) 0x7c01)).isNaN();
    }

    @Test
    void everyHalfWidensToSignTimesMantissaTimesPowerOfTwoAndNarrowsBackUnchanged() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float value = HalfFloats.halfToFloat((short) bits);
            int exponent = (bits >>> 10) & 0x1f;
            int mantissa = bits & 0x3ff;
            double sign = (bits & 0x8000) == 0 ? 1 : -1;
            if (exponent == 0x1f) {
                assertThat(Float.isNaN(value)).as("0x%04x", bits).isEqualTo(mantissa != 0);
                assertThat(Float.isNaN(HalfFloats.halfToFloat(HalfFloats.floatToHalf(value)))).isEqualTo(mantissa != 0);
                if (mantissa != 0) {
                    continue;
                }
            }
            double expected = exponent == 0x1f ? sign * Double.POSITIVE_INFINITY
                    : exponent == 0 ? sign * Math.scalb((double) mantissa, -24)
                    : sign * Math.scalb(1024.0 + mantissa, exponent - 25);
            assertThat((double) value).as("0x%04x", bits).isEqualTo(expected);
            assertThat(HalfFloats.floatToHalf(value) & 0xffff).as("0x%04x", bits).isEqualTo(bits);
        }
    }

    @Test
    void narrowingToHalfRoundsToNearestEven() {
        assertThat(half(1 + 0x1p-11f)).as("tie between 1 and the next half goes to even 1").isEqualTo(0x3c00);
        assertThat(half(1 + 3 * 0x1p-11f)).as("tie goes up to even").isEqualTo(0x3c02);
        assertThat(half(1 + 0x1p-11f + 0x1p-20f)).as("above the tie").isEqualTo(0x3c01);
        assertThat(half(65519f)).isEqualTo(0x7bff);
        assertThat(half(65520f)).as("rounds past the largest half").isEqualTo(0x7c00);
        assertThat(half(-1e10f)).isEqualTo(0xfc00);
        assertThat(half(0x1p-25f)).as("half of the smallest subnormal ties to zero").isEqualTo(0x0000);
        assertThat(half(1.5f * 0x1p-24f)).isEqualTo(0x0002);
        assertThat(half(2.5f * 0x1p-24f)).isEqualTo(0x0002);
        assertThat(half(0x1p-14f - 0x1p-25f)).as("largest subnormal rounds up to the smallest normal")
                .isEqualTo(0x0400);
        assertThat(half(-0.0f)).isEqualTo(0x8000);
        assertThat(half(Float.POSITIVE_INFINITY)).isEqualTo(0x7c00);
        assertThat(HalfFloats.halfToFloat(HalfFloats.floatToHalf(Float.NaN))).isNaN();
        assertThat(HalfFloats.halfToFloat(HalfFloats.floatToHalf(Float.intBitsToFloat(0x7f800001)))).isNaN();
    }

    @Test
    void bfloat16IsTheTopHalfOfAFloatRoundedToNearestEven() {
        assertThat(HalfFloats.bfloat16ToFloat((short) 0x3f80)).isEqualTo(1.0f);
        assertThat(HalfFloats.bfloat16ToFloat((short) 0xc040)).isEqualTo(-3.0f);
        assertThat(HalfFloats.bfloat16ToFloat((short) 0x0001)).isEqualTo(0x1p-133f);
        assertThat(HalfFloats.bfloat16ToFloat((short) 0xff80)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(HalfFloats.bfloat16ToFloat((short) 0x7fc0)).isNaN();
        assertThat(bfloat16(1 + 0x1p-8f)).as("tie goes to even 1").isEqualTo(0x3f80);
        assertThat(bfloat16(1 + 3 * 0x1p-8f)).as("tie goes up to even").isEqualTo(0x3f82);
        assertThat(bfloat16(Float.MAX_VALUE)).as("rounds to infinity").isEqualTo(0x7f80);
        assertThat(HalfFloats.bfloat16ToFloat(HalfFloats.floatToBfloat16(Float.intBitsToFloat(0x7f800001))))
                .as("a NaN whose payload lies only in the low bits stays NaN").isNaN();
        for (int bits = 0; bits < 0x10000; bits++) {
            float value = HalfFloats.bfloat16ToFloat((short) bits);
            if (!Float.isNaN(value)) {
                assertThat(bfloat16(value)).as("0x%04x", bits).isEqualTo(bits);
            }
        }
    }

    // ---- files

    @Test
    void f32RoundTripsExactlyWithAlignedHeaderAndPytorchMetadata() throws IOException {
        Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
        tensors.put("a", new SafeTensors.Tensor(new int[] {2, 3}, new float[] {1, -2, 3.5f, Float.MIN_VALUE, 0, 7}));
        tensors.put("scalar", new SafeTensors.Tensor(new int[0], new float[] {42}));
        tensors.put("empty", new SafeTensors.Tensor(new int[] {0, 4}, new float[0]));
        Path file = dir.resolve("t.safetensors");

        SafeTensors.write(file, tensors, SafeTensors.DType.F32);

        try (SafeTensors read = SafeTensors.open(file)) {
            assertThat(read.metadata()).containsExactly(Map.entry("format", "pt"));
            assertThat(read.tensors().keySet()).containsExactly("a", "scalar", "empty");
            assertThat(read.info("a").shape()).containsExactly(2, 3);
            assertThat(read.info("a").dtype()).isEqualTo(SafeTensors.DType.F32);
            assertThat(read.readFloats("a")).containsExactly(1, -2, 3.5f, Float.MIN_VALUE, 0, 7);
            assertThat(read.readFloats("scalar")).containsExactly(42);
            assertThat(read.readFloats("empty")).isEmpty();
        }
        long headerLength = littleEndianLong(Files.readAllBytes(file));
        assertThat((8 + headerLength) % 8).isZero();
        assertThat(Files.size(file)).isEqualTo(8 + headerLength + 4 * 7);
    }

    @Test
    void halfAndBfloat16FilesHoldTheRoundedValues() throws IOException {
        float[] values = new float[1000];
        Random random = new Random(7);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * 100);
        }
        for (SafeTensors.DType dtype : new SafeTensors.DType[] {SafeTensors.DType.F16, SafeTensors.DType.BF16}) {
            Path file = dir.resolve(dtype + ".safetensors");
            SafeTensors.write(file, Map.of("w", new SafeTensors.Tensor(new int[] {10, 100}, values)), dtype);

            try (SafeTensors read = SafeTensors.open(file)) {
                assertThat(read.info("w").dtype()).isEqualTo(dtype);
                float[] back = read.readFloats("w");
                for (int i = 0; i < values.length; i++) {
                    float rounded = dtype == SafeTensors.DType.F16
                            ? HalfFloats.halfToFloat(HalfFloats.floatToHalf(values[i]))
                            : HalfFloats.bfloat16ToFloat(HalfFloats.floatToBfloat16(values[i]));
                    assertThat(back[i]).isEqualTo(rounded);
                }
            }
        }
    }

    @Test
    void aTensorLargerThanOneReadChunkIsReadWhole() throws IOException {
        float[] values = new float[700_001];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        Path file = dir.resolve("big.safetensors");
        SafeTensors.write(file, Map.of("big", new SafeTensors.Tensor(new int[] {values.length}, values)),
                SafeTensors.DType.F32);

        try (SafeTensors read = SafeTensors.open(file)) {
            assertThat(read.readFloats("big")).isEqualTo(values);
        }
    }

    @Test
    void f64IsReadRoundedAndIntegerTensorsAreRefusedByName() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        data.putDouble(0.1).putDouble(-3).putLong(5);
        Path file = raw("mixed.safetensors", """
                {"d": {"dtype": "F64", "shape": [2], "data_offsets": [0, 16]},
                 "ids": {"dtype": "I64", "shape": [1], "data_offsets": [16, 24]}}""", data.array());

        try (SafeTensors read = SafeTensors.open(file)) {
            assertThat(read.readFloats("d")).containsExactly(0.1f, -3f);
            assertThat(read.metadata()).isEmpty();
            assertThatThrownBy(() -> read.readFloats("ids"))
                    .isInstanceOf(CheckpointFormatException.class)
                    .hasMessage(file + ": tensor ids has dtype I64; only F32, F16, BF16 and F64 tensors can be"
                            + " read as weights");
        }
    }

    @Test
    void i8AndU8TensorsRoundTripAsRawBytesBesideFloats() throws IOException {
        byte[] signed = {-128, -1, 0, 1, 127, 42};
        byte[] unsigned = {(byte) 0x00, (byte) 0x7f, (byte) 0x80, (byte) 0xff};
        Map<String, SafeTensors.StoredTensor> tensors = new LinkedHashMap<>();
        tensors.put("w", new SafeTensors.RawTensor(SafeTensors.DType.I8, new int[] {2, 3}, signed));
        tensors.put("w_scale", new SafeTensors.Tensor(new int[] {2}, new float[] {0.5f, 0.25f}));
        tensors.put("packed", new SafeTensors.RawTensor(SafeTensors.DType.U8, new int[] {4}, unsigned));
        Path file = dir.resolve("quantized.safetensors");

        SafeTensors.write(file, tensors, SafeTensors.DType.F32);

        byte[] bytes = Files.readAllBytes(file);
        JsonNode header = JSON.readTree(new String(bytes, 8, (int) littleEndianLong(bytes), StandardCharsets.UTF_8));
        assertThat(header.path("w").toString()).isEqualTo("{\"dtype\":\"I8\",\"shape\":[2,3],\"data_offsets\":[0,6]}");
        assertThat(header.path("w_scale").toString())
                .isEqualTo("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[6,14]}");
        assertThat(header.path("packed").toString())
                .isEqualTo("{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[14,18]}");
        assertThat(Files.size(file)).isEqualTo(8 + littleEndianLong(bytes) + 18);
        try (SafeTensors read = SafeTensors.open(file)) {
            assertThat(read.readBytes("w")).containsExactly(signed);
            assertThat(read.readBytes("packed")).containsExactly(unsigned);
            assertThat(read.readFloats("w_scale")).containsExactly(0.5f, 0.25f);
            assertThatThrownBy(() -> read.readFloats("w")).isInstanceOf(CheckpointFormatException.class)
                    .hasMessageContaining("has dtype I8");
            assertThatThrownBy(() -> read.readBytes("w_scale")).isInstanceOf(CheckpointFormatException.class)
                    .hasMessageContaining("only I8 and U8 tensors are read as bytes");
        }
    }

    @Test
    void rawTensorsMustBeOneByteIntegersOfTheRightLength() {
        assertThatThrownBy(() -> new SafeTensors.RawTensor(SafeTensors.DType.F32, new int[] {1}, new byte[4]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("I8 or U8");
        assertThatThrownBy(() -> new SafeTensors.RawTensor(SafeTensors.DType.U8, new int[] {2, 2}, new byte[3]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 4 bytes, got 3");
    }

    @Test
    void malformedFilesFailWithTheFileNameAndWhatIsWrong() throws IOException {
        Path good = dir.resolve("good.safetensors");
        SafeTensors.write(good, Map.of("w", new SafeTensors.Tensor(new int[] {4}, new float[] {1, 2, 3, 4})),
                SafeTensors.DType.F32);
        byte[] bytes = Files.readAllBytes(good);

        Path truncated = dir.resolve("truncated.safetensors");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 3));
        assertOpenFails(truncated, "tensor w has data_offsets [0, 16] outside the 13 data bytes (truncated file?)");

        Path headerCut = dir.resolve("header-cut.safetensors");
        Files.write(headerCut, Arrays.copyOf(bytes, 20));
        assertOpenFails(headerCut, "goes beyond the file size 20");

        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertOpenFails(tiny, "3 bytes is too short for a safetensors file");

        byte[] hugeLength = bytes.clone();
        hugeLength[7] = 0x7f;
        Path lengthTampered = dir.resolve("length.safetensors");
        Files.write(lengthTampered, hugeLength);
        assertOpenFails(lengthTampered, "goes beyond the file size");

        assertOpenFails(raw("overlap.safetensors", """
                {"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                 "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}""", new byte[12]),
                "tensors a and b overlap");
        assertOpenFails(raw("size.safetensors", """
                {"a": {"dtype": "BF16", "shape": [2, 3], "data_offsets": [0, 8]}}""", new byte[8]),
                "tensor a has 8 data bytes but shape [2,3] of BF16 needs 12");
        assertOpenFails(raw("dtype.safetensors", """
                {"a": {"dtype": "F12", "shape": [1], "data_offsets": [0, 2]}}""", new byte[2]),
                "tensor a has unknown dtype 'F12'");
        assertOpenFails(raw("negative.safetensors", """
                {"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}""", new byte[4]),
                "tensor a has invalid shape [-1]");
        assertOpenFails(raw("json.safetensors", "{\"a\": ", new byte[0]), "header is not valid JSON");
        assertOpenFails(raw("twice.safetensors", """
                {"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
                 "a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}""", new byte[8]),
                "Duplicate field 'a'");
    }

    private void assertOpenFails(Path file, String message) {
        assertThatThrownBy(() -> SafeTensors.open(file).close())
                .isInstanceOf(CheckpointFormatException.class)
                .hasMessageStartingWith(file + ": ")
                .hasMessageContaining(message);
    }

    /** A safetensors file with the given header, exactly as written, for shapes the writer would never produce. */
    private Path raw(String name, String header, byte[] data) throws IOException {
        byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer file = ByteBuffer.allocate(8 + headerBytes.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(headerBytes.length).put(headerBytes).put(data);
        Path path = dir.resolve(name);
        Files.write(path, file.array());
        return path;
    }

    @Test
    void headerIsCompactJsonWithDtypeShapeAndOffsets() throws IOException {
        Path file = dir.resolve("h.safetensors");
        Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
        tensors.put("x", new SafeTensors.Tensor(new int[] {2}, new float[] {1, 2}));
        tensors.put("y", new SafeTensors.Tensor(new int[] {1, 3}, new float[] {1, 2, 3}));
        SafeTensors.write(file, tensors, SafeTensors.DType.BF16);

        byte[] bytes = Files.readAllBytes(file);
        JsonNode header = JSON.readTree(new String(bytes, 8, (int) littleEndianLong(bytes), StandardCharsets.UTF_8));
        assertThat(header.toString()).isEqualTo("{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"x\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                + "\"y\":{\"dtype\":\"BF16\",\"shape\":[1,3],\"data_offsets\":[4,10]}}");
    }

    private static int half(float value) {
        return HalfFloats.floatToHalf(value) & 0xffff;
    }

    private static int bfloat16(float value) {
        return HalfFloats.floatToBfloat16(value) & 0xffff;
    }

    private static long littleEndianLong(byte[] bytes) {
        return ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }
}
