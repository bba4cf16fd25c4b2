package dev.llmops.studio.model;

/**
 * IEEE half precision (F16) and bfloat16 (BF16) conversions. Java 17 has no {@code Float.float16ToFloat}
 * (it arrived in Java 20), so they are written out here. Widening is exact; narrowing rounds to nearest,
 * ties to even, as PyTorch does.
 */
final class HalfFloats {

    private static final int FLOAT_EXPONENT_MASK = 0x7f800000;
    /** 2^-14, the smallest normal half; below it halves are subnormal. */
    private static final int SMALLEST_NORMAL_HALF_AS_FLOAT = 0x38800000;
    /** 65520, halfway between the largest half (65504) and 2^16; it and everything above round to infinity. */
    private static final int HALF_OVERFLOW_AS_FLOAT = 0x477ff000;
    /** Float exponent bias 127 minus half exponent bias 15, in place. */
    private static final int EXPONENT_REBIAS = 112 << 23;

    private HalfFloats() {
    }

    static float halfToFloat(short half) {
        int bits = half & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            // infinity, or NaN with its payload kept in the high mantissa bits
            return Float.intBitsToFloat(sign | FLOAT_EXPONENT_MASK | (mantissa << 13));
        }
        if (exponent == 0) {
            // zero or subnormal: mantissa * 2^-24, exact because both factors are representable
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent << 23) + EXPONENT_REBIAS) | (mantissa << 13));
    }

    static short floatToHalf(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int magnitude = bits & 0x7fffffff;
        if (magnitude > FLOAT_EXPONENT_MASK) {
            // NaN stays NaN: keep what fits of the payload and force the quiet bit so it cannot become infinity
            return (short) (sign | 0x7e00 | ((magnitude >>> 13) & 0x3ff));
        }
        if (magnitude >= HALF_OVERFLOW_AS_FLOAT) {
            return (short) (sign | 0x7c00);
        }
        if (magnitude >= SMALLEST_NORMAL_HALF_AS_FLOAT) {
            // round the 13 dropped mantissa bits to nearest even; a carry correctly bumps the exponent
            int rounded = magnitude + 0xfff + ((magnitude >>> 13) & 1);
            return (short) (sign | ((rounded - EXPONENT_REBIAS) >>> 13));
        }
        // subnormal half: count units of 2^-24; the scaling is exact and rint rounds half to even.
        // A result of 1024 is the smallest normal half, which the same bit pattern encodes.
        int units = (int) Math.rint(Float.intBitsToFloat(magnitude) * 0x1p24);
        return (short) (sign | units);
    }

    static float bfloat16ToFloat(short bfloat16) {
        return Float.intBitsToFloat((bfloat16 & 0xffff) << 16);
    }

    static short floatToBfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7fffffff) > FLOAT_EXPONENT_MASK) {
            // truncating a NaN could clear every payload bit left and turn it into infinity
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }
}
