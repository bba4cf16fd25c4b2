package dev.llmops.studio.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One safetensors file: an 8-byte little-endian header length, a JSON header naming each tensor's dtype, shape
 * and byte range, then the raw little-endian data. Opening reads and checks only the header; each tensor is
 * read on demand with positional reads, so a multi-gigabyte file is never held in memory whole.
 */
final class SafeTensors implements Closeable {

    enum DType {
        BOOL(1), U8(1), I8(1), F8_E4M3(1), F8_E5M2(1), I16(2), U16(2), F16(2), BF16(2), I32(4), U32(4), F32(4),
        I64(8), U64(8), F64(8);

        final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }

        /** Dtypes whose values convert to float as a checkpoint loader expects; F64 is rounded to nearest. */
        boolean readableAsFloat() {
            return this == F32 || this == F16 || this == BF16 || this == F64;
        }

        boolean writable() {
            return this == F32 || this == F16 || this == BF16;
        }

        /** One-byte integer dtypes, written and read as raw bytes: quantized weights and their zero points. */
        boolean raw() {
            return this == I8 || this == U8;
        }
    }

    /** Where one tensor lies; {@code begin} and {@code end} are relative to the end of the header. */
    record TensorInfo(String name, DType dtype, int[] shape, long begin, long end) {

        long elementCount() {
            return SafeTensors.elementCount(shape);
        }
    }

    /** A tensor to write: floats ({@link Tensor}) or raw one-byte integers ({@link RawTensor}). */
    sealed interface StoredTensor permits Tensor, RawTensor {

        int[] shape();
    }

    /** A tensor to write: values in row-major order, stored in the float dtype the file is written with. */
    record Tensor(int[] shape, float[] values) implements StoredTensor {

        Tensor {
            if (SafeTensors.elementCount(shape) != values.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs "
                        + SafeTensors.elementCount(shape) + " values, got " + values.length);
            }
        }
    }

    /** A tensor of I8 or U8 values to write as they are, row-major (quantized weights, zero points). */
    record RawTensor(DType dtype, int[] shape, byte[] bytes) implements StoredTensor {

        RawTensor {
            if (!dtype.raw()) {
                throw new IllegalArgumentException("raw tensors are I8 or U8, not " + dtype);
            }
            if (SafeTensors.elementCount(shape) != bytes.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs "
                        + SafeTensors.elementCount(shape) + " bytes, got " + bytes.length);
            }
        }
    }

    private static final String METADATA_KEY = "__metadata__";
    /** The reference implementation refuses larger headers too; a bigger one means a corrupt length field. */
    private static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    private static final int CHUNK_BYTES = 1 << 20;
    /** A tensor named twice would otherwise silently lose one of its descriptions. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, String> metadata;
    private final Map<String, TensorInfo> tensors;

    private SafeTensors(Path file, FileChannel channel, long dataStart, Map<String, String> metadata,
                        Map<String, TensorInfo> tensors) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.metadata = metadata;
        this.tensors = tensors;
    }

    static SafeTensors open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return readHeader(file, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static SafeTensors readHeader(Path file, FileChannel channel) throws IOException {
        long fileSize = channel.size();
        if (fileSize < 8) {
            throw new CheckpointFormatException(file + ": " + fileSize
                    + " bytes is too short for a safetensors file (it starts with an 8-byte header length)");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, channel, lengthBytes, 0);
        long headerLength = lengthBytes.flip().getLong();
        if (headerLength < 2 || headerLength > fileSize - 8) {
            throw new CheckpointFormatException(file + ": header length " + headerLength
                    + " goes beyond the file size " + fileSize + " (truncated or not a safetensors file)");
        }
        if (headerLength > MAX_HEADER_BYTES) {
            throw new CheckpointFormatException(file + ": header length " + headerLength
                    + " exceeds the " + MAX_HEADER_BYTES + "-byte limit");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        readFully(file, channel, headerBytes, 8);
        JsonNode header;
        try {
            header = JSON.readTree(new String(headerBytes.array(), StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new CheckpointFormatException(file + ": header is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (header == null || !header.isObject()) {
            throw new CheckpointFormatException(file + ": header is not a JSON object");
        }
        long dataSize = fileSize - 8 - headerLength;
        Map<String, String> metadata = Map.of();
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = header.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().equals(METADATA_KEY)) {
                metadata = parseMetadata(file, field.getValue());
            } else {
                tensors.put(field.getKey(), parseTensor(file, field.getKey(), field.getValue(), dataSize));
            }
        }
        rejectOverlaps(file, tensors.values());
        return new SafeTensors(file, channel, 8 + headerLength, metadata, Collections.unmodifiableMap(tensors));
    }

    private static Map<String, String> parseMetadata(Path file, JsonNode node) throws CheckpointFormatException {
        if (!node.isObject()) {
            throw new CheckpointFormatException(file + ": " + METADATA_KEY + " is not a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        node.fields().forEachRemaining(entry -> metadata.put(entry.getKey(), entry.getValue().asText()));
        return Collections.unmodifiableMap(metadata);
    }

    private static TensorInfo parseTensor(Path file, String name, JsonNode node, long dataSize)
            throws CheckpointFormatException {
        String where = file + ": tensor " + name;
        if (!node.isObject()) {
            throw new CheckpointFormatException(where + " is not described by a JSON object");
        }
        DType dtype;
        try {
            dtype = DType.valueOf(node.path("dtype").asText());
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(where + " has unknown dtype '" + node.path("dtype").asText() + "'");
        }
        JsonNode shapeNode = node.path("shape");
        if (!shapeNode.isArray()) {
            throw new CheckpointFormatException(where + " has no shape array");
        }
        int[] shape = new int[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode dimension = shapeNode.get(i);
            if (!dimension.canConvertToInt() || !dimension.isIntegralNumber() || dimension.intValue() < 0) {
                throw new CheckpointFormatException(where + " has invalid shape " + shapeNode);
            }
            shape[i] = dimension.intValue();
        }
        JsonNode offsets = node.path("data_offsets");
        if (!offsets.isArray() || offsets.size() != 2 || !offsets.get(0).isIntegralNumber()
                || !offsets.get(1).isIntegralNumber()) {
            throw new CheckpointFormatException(where + " has no data_offsets [begin, end]");
        }
        long begin = offsets.get(0).longValue();
        long end = offsets.get(1).longValue();
        if (begin < 0 || end < begin || end > dataSize) {
            throw new CheckpointFormatException(where + " has data_offsets [" + begin + ", " + end
                    + "] outside the " + dataSize + " data bytes (truncated file?)");
        }
        long expectedBytes;
        try {
            expectedBytes = Math.multiplyExact(elementCount(shape), dtype.bytes);
        } catch (ArithmeticException e) {
            throw new CheckpointFormatException(where + " has an impossibly large shape " + shapeNode);
        }
        if (end - begin != expectedBytes) {
            throw new CheckpointFormatException(where + " has " + (end - begin) + " data bytes but shape "
                    + shapeNode + " of " + dtype + " needs " + expectedBytes);
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static void rejectOverlaps(Path file, Iterable<TensorInfo> tensors) throws CheckpointFormatException {
        List<TensorInfo> byOffset = new ArrayList<>();
        tensors.forEach(byOffset::add);
        byOffset.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        for (int i = 1; i < byOffset.size(); i++) {
            TensorInfo previous = byOffset.get(i - 1);
            TensorInfo current = byOffset.get(i);
            if (current.begin() < previous.end()) {
                throw new CheckpointFormatException(file + ": tensors " + previous.name() + " and "
                        + current.name() + " overlap in the data section");
            }
        }
    }

    Path file() {
        return file;
    }

    Map<String, String> metadata() {
        return metadata;
    }

    /** In header order. */
    Map<String, TensorInfo> tensors() {
        return tensors;
    }

    TensorInfo info(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new IllegalArgumentException(file + " has no tensor " + name);
        }
        return info;
    }

    /** Reads one tensor, converted to float; F32, F16 and BF16 exactly, F64 rounded to nearest. */
    float[] readFloats(String name) throws IOException {
        TensorInfo info = info(name);
        if (!info.dtype().readableAsFloat()) {
            throw new CheckpointFormatException(file + ": tensor " + name + " has dtype " + info.dtype()
                    + "; only F32, F16, BF16 and F64 tensors can be read as weights");
        }
        long count = info.elementCount();
        if (count > Integer.MAX_VALUE - 8) {
            throw new CheckpointFormatException(file + ": tensor " + name + " has " + count
                    + " elements, too many for one Java array");
        }
        float[] values = new float[(int) count];
        int elementBytes = info.dtype().bytes;
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        long position = dataStart + info.begin();
        int done = 0;
        while (done < values.length) {
            int elements = Math.min(values.length - done, CHUNK_BYTES / elementBytes);
            chunk.clear().limit(elements * elementBytes);
            readFully(file, channel, chunk, position);
            chunk.flip();
            decode(info.dtype(), chunk, values, done, elements);
            done += elements;
            position += (long) elements * elementBytes;
        }
        return values;
    }

    /** Reads an I8 or U8 tensor's bytes as they are stored (I8 values are two's complement). */
    byte[] readBytes(String name) throws IOException {
        TensorInfo info = info(name);
        if (!info.dtype().raw()) {
            throw new CheckpointFormatException(file + ": tensor " + name + " has dtype " + info.dtype()
                    + "; only I8 and U8 tensors are read as bytes");
        }
        long count = info.elementCount();
        if (count > Integer.MAX_VALUE - 8) {
            throw new CheckpointFormatException(file + ": tensor " + name + " has " + count
                    + " elements, too many for one Java array");
        }
        ByteBuffer bytes = ByteBuffer.allocate((int) count);
        readFully(file, channel, bytes, dataStart + info.begin());
        return bytes.array();
    }

    private static void decode(DType dtype, ByteBuffer bytes, float[] into, int from, int count) {
        for (int i = from; i < from + count; i++) {
            into[i] = switch (dtype) {
                case F32 -> bytes.getFloat();
                case F16 -> HalfFloats.halfToFloat(bytes.getShort());
                case BF16 -> HalfFloats.bfloat16ToFloat(bytes.getShort());
                case F64 -> (float) bytes.getDouble();
                default -> throw new IllegalStateException("not a float dtype: " + dtype);
            };
        }
    }

    private static void readFully(Path file, FileChannel channel, ByteBuffer into, long position)
            throws IOException {
        long at = position;
        while (into.hasRemaining()) {
            int read = channel.read(into, at);
            if (read < 0) {
                throw new CheckpointFormatException(file + ": ended at byte " + at + " while reading (truncated?)");
            }
            at += read;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /**
     * Writes tensors in the given order: float tensors as {@code dtype} (F32, F16 or BF16, narrowed with round to
     * nearest even), raw tensors in their own I8/U8 dtype; with {@code __metadata__ {"format":"pt"}} so that
     * transformers loads it as a PyTorch checkpoint.
     */
    static void write(Path file, Map<String, ? extends StoredTensor> tensors, DType dtype) throws IOException {
        write(file, tensors, dtype, Map.of());
    }

    /** As {@link #write(Path, Map, DType)}, with more string entries in {@code __metadata__}. */
    static void write(Path file, Map<String, ? extends StoredTensor> tensors, DType dtype,
                      Map<String, String> metadata) throws IOException {
        if (!dtype.writable()) {
            throw new IllegalArgumentException("cannot write " + dtype + "; use F32, F16 or BF16");
        }
        byte[] header = header(tensors, dtype, metadata);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer start = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
            start.putLong(header.length).put(header).flip();
            writeFully(channel, start);
            ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (StoredTensor stored : tensors.values()) {
                if (stored instanceof RawTensor raw) {
                    writeFully(channel, ByteBuffer.wrap(raw.bytes()));
                    continue;
                }
                float[] values = ((Tensor) stored).values();
                for (int from = 0; from < values.length; ) {
                    int count = Math.min(values.length - from, CHUNK_BYTES / dtype.bytes);
                    chunk.clear();
                    encode(dtype, values, from, count, chunk);
                    writeFully(channel, chunk.flip());
                    from += count;
                }
            }
        }
    }

    /** The dtype a tensor is stored in when float tensors are written as {@code floatDtype}. */
    static DType storedDtype(StoredTensor tensor, DType floatDtype) {
        return tensor instanceof RawTensor raw ? raw.dtype() : floatDtype;
    }

    /** The data bytes a tensor takes when float tensors are written as {@code floatDtype}. */
    static long storedBytes(StoredTensor tensor, DType floatDtype) {
        return elementCount(tensor.shape()) * storedDtype(tensor, floatDtype).bytes;
    }

    private static byte[] header(Map<String, ? extends StoredTensor> tensors, DType dtype,
                                 Map<String, String> metadata) throws JsonProcessingException {
        ObjectNode header = JSON.createObjectNode();
        ObjectNode meta = header.putObject(METADATA_KEY);
        meta.put("format", "pt");
        metadata.forEach(meta::put);
        long offset = 0;
        for (Map.Entry<String, ? extends StoredTensor> entry : tensors.entrySet()) {
            long bytes = storedBytes(entry.getValue(), dtype);
            ObjectNode tensor = header.putObject(entry.getKey());
            tensor.put("dtype", storedDtype(entry.getValue(), dtype).name());
            Arrays.stream(entry.getValue().shape()).forEach(tensor.putArray("shape")::add);
            tensor.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        // pad with spaces so the data starts 8-byte aligned, as the reference writer does
        byte[] json = JSON.writeValueAsBytes(header);
        byte[] padded = Arrays.copyOf(json, (json.length + 7) / 8 * 8);
        Arrays.fill(padded, json.length, padded.length, (byte) ' ');
        return padded;
    }

    private static void encode(DType dtype, float[] values, int from, int count, ByteBuffer into) {
        for (int i = from; i < from + count; i++) {
            switch (dtype) {
                case F32 -> into.putFloat(values[i]);
                case F16 -> into.putShort(HalfFloats.floatToHalf(values[i]));
                case BF16 -> into.putShort(HalfFloats.floatToBfloat16(values[i]));
                default -> throw new IllegalStateException("not a writable dtype: " + dtype);
            }
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    static long elementCount(int[] shape) {
        long count = 1;
        for (int dimension : shape) {
            count = Math.multiplyExact(count, dimension);
        }
        return count;
    }
}
