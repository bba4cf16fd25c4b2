package dev.llmops.studio.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Weight-only quantization of a checkpoint's 2-D weights (every projection, the token embedding, and
 * {@code lm_head} when it is not tied), and the layout it is stored in. The engine has no integer kernels, so a
 * quantized checkpoint is dequantized to float when it is read ({@link CheckpointReader}): it saves disk,
 * transfer and package size, not compute memory.
 *
 * <h2>Schemes</h2>
 * <ul>
 *   <li><b>int8</b>, per output channel: one scale per row of a weight {@code [out, in]}, symmetric
 *       ({@code w ≈ q · scale}, q in −128..127, no zero point), rounded to nearest.</li>
 *   <li><b>int4</b>, group-wise: each row is cut into groups of {@code group_size} consecutive weights along the
 *       input dimension (the last group of a row may be shorter), each with its own scale. Symmetric:
 *       {@code w ≈ q · scale}, q in −8..7; asymmetric: {@code w ≈ (q − zero) · scale}, q in 0..15, with a
 *       per-group zero point, so the 16 levels span the group's own [min, max] instead of a range centred on
 *       zero.</li>
 * </ul>
 * A symmetric scale is {@code max(max / qmax, min / qmin)}, the smallest that keeps both extremes of the row or
 * group on the grid without clipping; an asymmetric range always includes 0, so zero weights stay exact. Either
 * way every weight is reproduced within half a step: {@code |w − ŵ| ≤ scale / 2}.
 *
 * <h2>Layout in the safetensors files</h2>
 * For a weight named {@code N} (e.g. {@code model.layers.0.mlp.up_proj.weight}) of logical shape
 * {@code [out, in]}:
 * <table>
 *   <caption>stored tensors</caption>
 *   <tr><th>scheme</th><th>{@code N}</th><th>{@code N_scale}</th><th>{@code N_zero_point}</th></tr>
 *   <tr><td>int8</td><td>I8 {@code [out, in]}, q as a signed byte</td><td>F32 {@code [out]}</td><td>—</td></tr>
 *   <tr><td>int4 symmetric</td><td rowspan="2">U8 {@code [out, ceil(in / 2)]}: byte k of a row holds column
 *       2k in its low nibble and column 2k+1 in its high nibble (the high nibble of an odd row's last byte is 0);
 *       a symmetric q is stored as q + 8</td><td rowspan="2">F32 {@code [out, ceil(in / group_size)]}</td>
 *       <td>—</td></tr>
 *   <tr><td>int4 asymmetric</td><td>U8 {@code [out, ceil(in / group_size)]}, one zero point (0..15) per
 *       byte</td></tr>
 * </table>
 * So both int4 variants dequantize as {@code (nibble − zero) · scale} with zero = 8 when symmetric. RMSNorm gains
 * and any other 1-D tensor stay F32 under their own names. {@code config.json} says how the file was made:
 * <pre>
 * "quantization_config": {"quant_method": "llmops-weight-only", "bits": 4, "group_size": 64, "symmetric": false}
 * </pre>
 * with {@code "group_size": -1} (a whole row, as GPTQ writes per-channel) for int8. A reader recognises a
 * quantized weight by that config and the {@code N_scale} beside it; tensors of other checkpoints are untouched.
 * transformers does not know this {@code quant_method}: such folders load here, not there.
 */
record WeightQuantization(int bits, int groupSize, boolean symmetric) {

    static final String METHOD = "llmops-weight-only";
    static final String CONFIG_KEY = "quantization_config";
    static final String SCALE_SUFFIX = "_scale";
    static final String ZERO_POINT_SUFFIX = "_zero_point";
    /** In config.json and for int8: one group is a whole row. */
    static final int PER_CHANNEL = -1;
    /** The zero point symmetric int4 values are stored with, so both int4 variants unpack alike. */
    private static final int SYMMETRIC_INT4_OFFSET = 8;

    private static final ObjectMapper JSON = new ObjectMapper();

    WeightQuantization {
        if (bits != 8 && bits != 4) {
            throw new IllegalArgumentException("bits must be 8 or 4, got " + bits);
        }
        if (bits == 8 && (groupSize != PER_CHANNEL || !symmetric)) {
            throw new IllegalArgumentException("int8 is symmetric per output channel (group_size -1)");
        }
        if (bits == 4 && groupSize < 2) {
            throw new IllegalArgumentException("int4 needs a group size of at least 2, got " + groupSize);
        }
    }

    static WeightQuantization int8() {
        return new WeightQuantization(8, PER_CHANNEL, true);
    }

    static WeightQuantization int4(int groupSize, boolean symmetric) {
        return new WeightQuantization(4, groupSize, symmetric);
    }

    /** "int8" or "int4", as the Quantize step's scheme parameter names them. */
    String scheme() {
        return "int" + bits;
    }

    @Override
    public String toString() {
        return bits == 8 ? "int8 per-channel"
                : String.format(Locale.ROOT, "int4 %s, group size %d", symmetric ? "symmetric" : "asymmetric",
                groupSize);
    }

    /** Values of a row that share one scale. */
    int groupLength(int columns) {
        return groupSize == PER_CHANNEL ? columns : groupSize;
    }

    int groupsPerRow(int columns) {
        return ceilDiv(columns, groupLength(columns));
    }

    /** Which tensors quantize: the 2-D ones (embeddings and projections); norm gains stay float. */
    static boolean quantizes(int[] shape) {
        return shape.length == 2 && shape[0] > 0 && shape[1] > 0;
    }

    DTypeShape storedShape(int[] shape) {
        int rows = shape[0];
        int columns = shape[1];
        return bits == 8 ? new DTypeShape(SafeTensors.DType.I8, new int[] {rows, columns})
                : new DTypeShape(SafeTensors.DType.U8, new int[] {rows, ceilDiv(columns, 2)});
    }

    int[] scaleShape(int[] shape) {
        return bits == 8 ? new int[] {shape[0]} : new int[] {shape[0], groupsPerRow(shape[1])};
    }

    /** The zero-point tensor's shape, or null when the scheme has none. */
    int[] zeroPointShape(int[] shape) {
        return symmetric ? null : new int[] {shape[0], groupsPerRow(shape[1])};
    }

    record DTypeShape(SafeTensors.DType dtype, int[] shape) {
    }

    /**
     * One weight quantized: {@code values} as stored (signed bytes for int8, packed nibbles for int4),
     * {@code scales} per row or per group, {@code zeroPoints} per group (asymmetric int4 only, else null).
     */
    record Quantized(byte[] values, float[] scales, byte[] zeroPoints) {
    }

    /** Quantizes a row-major {@code [rows, columns]} weight. */
    Quantized quantize(float[] weights, int rows, int columns) {
        if ((long) rows * columns != weights.length) {
            throw new IllegalArgumentException(rows + " × " + columns + " needs " + (long) rows * columns
                    + " values, got " + weights.length);
        }
        int groupLength = groupLength(columns);
        int groups = groupsPerRow(columns);
        int bytesPerRow = bits == 8 ? columns : ceilDiv(columns, 2);
        byte[] values = new byte[rows * bytesPerRow];
        float[] scales = new float[rows * groups];
        byte[] zeroPoints = symmetric ? null : new byte[rows * groups];
        int qmin = symmetric ? -(1 << (bits - 1)) : 0;
        int qmax = symmetric ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
        int[] levels = new int[groupLength];
        for (int row = 0; row < rows; row++) {
            for (int group = 0; group < groups; group++) {
                int from = row * columns + group * groupLength;
                int length = Math.min(groupLength, columns - group * groupLength);
                float min = 0;
                float max = 0;
                for (int i = from; i < from + length; i++) {
                    if (!Float.isFinite(weights[i])) {
                        throw new IllegalArgumentException("cannot quantize a non-finite weight (" + weights[i]
                                + ") at row " + row);
                    }
                    min = Math.min(min, weights[i]);
                    max = Math.max(max, weights[i]);
                }
                float scale;
                int zero;
                if (symmetric) {
                    scale = Math.max(max / qmax, min / qmin);
                    zero = 0;
                } else {
                    scale = (max - min) / qmax;
                    zero = scale == 0 ? 0 : Math.round(-min / scale);
                }
                int slot = row * groups + group;
                scales[slot] = scale;
                if (zeroPoints != null) {
                    zeroPoints[slot] = (byte) zero;
                }
                for (int i = 0; i < length; i++) {
                    int q = scale == 0 ? zero : Math.round(weights[from + i] / scale) + zero;
                    levels[i] = Math.max(qmin, Math.min(qmax, q));
                }
                int firstColumn = group * groupLength;
                if (bits == 8) {
                    for (int i = 0; i < length; i++) {
                        values[row * bytesPerRow + firstColumn + i] = (byte) levels[i];
                    }
                } else {
                    int offset = symmetric ? SYMMETRIC_INT4_OFFSET : 0;
                    for (int i = 0; i < length; i++) {
                        setNibble(values, row * bytesPerRow, firstColumn + i, levels[i] + offset);
                    }
                }
            }
        }
        return new Quantized(values, scales, zeroPoints);
    }

    /** The float weight {@link #quantize} stands for, row-major {@code [rows, columns]}. */
    float[] dequantize(Quantized quantized, int rows, int columns) {
        int groupLength = groupLength(columns);
        int groups = groupsPerRow(columns);
        int bytesPerRow = bits == 8 ? columns : ceilDiv(columns, 2);
        checkLength("values", quantized.values().length, (long) rows * bytesPerRow);
        checkLength("scales", quantized.scales().length, (long) rows * groups);
        if (!symmetric) {
            if (quantized.zeroPoints() == null) {
                throw new IllegalArgumentException("asymmetric int4 needs zero points");
            }
            checkLength("zero points", quantized.zeroPoints().length, (long) rows * groups);
        }
        float[] weights = new float[rows * columns];
        for (int row = 0; row < rows; row++) {
            for (int column = 0; column < columns; column++) {
                int slot = row * groups + column / groupLength;
                float scale = quantized.scales()[slot];
                int level;
                if (bits == 8) {
                    level = quantized.values()[row * bytesPerRow + column];
                } else {
                    int zero = symmetric ? SYMMETRIC_INT4_OFFSET : quantized.zeroPoints()[slot] & 0xff;
                    level = nibble(quantized.values(), row * bytesPerRow, column) - zero;
                }
                weights[row * columns + column] = level * scale;
            }
        }
        return weights;
    }

    /**
     * The tensors that store one weight, in file order: the weight itself under its own name, then its scales
     * and zero points; a 1-D tensor stays as it is.
     */
    Map<String, SafeTensors.StoredTensor> store(String name, int[] shape, float[] values) {
        Map<String, SafeTensors.StoredTensor> stored = new LinkedHashMap<>();
        if (!quantizes(shape)) {
            stored.put(name, new SafeTensors.Tensor(shape, values));
            return stored;
        }
        Quantized quantized = quantize(values, shape[0], shape[1]);
        DTypeShape layout = storedShape(shape);
        stored.put(name, new SafeTensors.RawTensor(layout.dtype(), layout.shape(), quantized.values()));
        stored.put(name + SCALE_SUFFIX, new SafeTensors.Tensor(scaleShape(shape), quantized.scales()));
        if (!symmetric) {
            stored.put(name + ZERO_POINT_SUFFIX, new SafeTensors.RawTensor(SafeTensors.DType.U8,
                    zeroPointShape(shape), quantized.zeroPoints()));
        }
        return stored;
    }

    /** The {@value #CONFIG_KEY} object of config.json. */
    ObjectNode toConfig() {
        ObjectNode config = JSON.createObjectNode();
        config.put("quant_method", METHOD).put("bits", bits).put("group_size", groupSize).put("symmetric", symmetric);
        return config;
    }

    /**
     * Reads a {@value #CONFIG_KEY}; null when there is none. Another tool's quantization (GPTQ, bitsandbytes, …)
     * is refused: its tensors mean something this reader cannot compute.
     */
    static WeightQuantization fromConfig(JsonNode config) {
        if (config == null || config.isMissingNode() || config.isNull()) {
            return null;
        }
        String method = config.path("quant_method").asText("");
        if (!METHOD.equals(method)) {
            throw new IllegalArgumentException(CONFIG_KEY + " has quant_method '" + method + "'; only '" + METHOD
                    + "' (the studio's own) can be loaded");
        }
        JsonNode bits = config.path("bits");
        JsonNode groupSize = config.path("group_size");
        if (!bits.isIntegralNumber() || !groupSize.isIntegralNumber()) {
            throw new IllegalArgumentException(CONFIG_KEY + " needs integer bits and group_size, got " + config);
        }
        return new WeightQuantization(bits.intValue(), groupSize.intValue(), config.path("symmetric").asBoolean(true));
    }

    private static void setNibble(byte[] packed, int rowStart, int column, int value) {
        int index = rowStart + column / 2;
        packed[index] = (byte) ((column & 1) == 0 ? (packed[index] & 0xf0) | value
                : (packed[index] & 0x0f) | (value << 4));
    }

    private static int nibble(byte[] packed, int rowStart, int column) {
        int b = packed[rowStart + column / 2] & 0xff;
        return (column & 1) == 0 ? b & 0x0f : b >>> 4;
    }

    /** Packs values 0..15 two per byte, low nibble first, as int4 weights are stored (for tests and tools). */
    static byte[] packNibbles(int[] values, int rows, int columns) {
        byte[] packed = new byte[rows * ceilDiv(columns, 2)];
        for (int row = 0; row < rows; row++) {
            for (int column = 0; column < columns; column++) {
                int value = values[row * columns + column];
                if (value < 0 || value > 15) {
                    throw new IllegalArgumentException("a nibble holds 0..15, got " + value);
                }
                setNibble(packed, row * ceilDiv(columns, 2), column, value);
            }
        }
        return packed;
    }

    static int[] unpackNibbles(byte[] packed, int rows, int columns) {
        checkLength("packed bytes", packed.length, (long) rows * ceilDiv(columns, 2));
        int[] values = new int[rows * columns];
        for (int row = 0; row < rows; row++) {
            for (int column = 0; column < columns; column++) {
                values[row * columns + column] = nibble(packed, row * ceilDiv(columns, 2), column);
            }
        }
        return values;
    }

    private static void checkLength(String what, int actual, long expected) {
        if (actual != expected) {
            throw new IllegalArgumentException("expected " + expected + " " + what + ", got " + actual);
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
