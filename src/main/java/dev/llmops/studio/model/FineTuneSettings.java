package dev.llmops.studio.model;

import java.util.Locale;
import java.util.Map;

/**
 * The Fine-tune step's parameters, checked together. Values come from the pipeline as the catalog defines them
 * (numbers may arrive as any JSON number type); every bound is enforced here too, so a pipeline edited through
 * the API cannot reach the trainer with nonsense.
 */
record FineTuneSettings(Method method, String preset, int epochs, float learningRate, int batchSize,
                        int gradientAccumulation, int maxLength, int warmupSteps, float weightDecay,
                        float maxGradientNorm, int evalEvery, int checkpointEvery, int earlyStoppingPatience,
                        LoraSettings lora, long seed) {

    enum Method {
        /** New weights of a preset size; the base model input must be left unconnected. */
        FROM_SCRATCH,
        /** Every weight of the base model trains. */
        FULL,
        /** The base model stays frozen; low-rank adapters train. */
        LORA;

        static Method parse(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "from-scratch" -> FROM_SCRATCH;
                case "full" -> FULL;
                case "lora" -> LORA;
                default -> throw new IllegalArgumentException("method must be from-scratch, full or lora, not "
                        + text);
            };
        }
    }

    FineTuneSettings {
        require(epochs >= 1 && epochs <= 1000, "epochs must be within 1..1000");
        require(learningRate > 0 && learningRate <= 1, "learningRate must be within (0, 1]");
        require(batchSize >= 1 && batchSize <= 512, "batchSize must be within 1..512");
        require(gradientAccumulation >= 1 && gradientAccumulation <= 256, "gradientAccumulation must be within 1..256");
        require(maxLength >= 2, "maxLength must be at least 2");
        require(warmupSteps >= 0, "warmupSteps must not be negative");
        require(weightDecay >= 0 && weightDecay < 1, "weightDecay must be within [0, 1)");
        require(maxGradientNorm > 0, "maxGradNorm must be positive");
        require(evalEvery >= 1, "evalEvery must be at least 1");
        require(checkpointEvery >= 1, "checkpointEvery must be at least 1");
        require(earlyStoppingPatience >= 0, "earlyStoppingPatience must not be negative (0 turns it off)");
        require((method == Method.LORA) == (lora != null), "LoRA settings go with the lora method only");
    }

    static FineTuneSettings fromParams(Map<String, Object> params) {
        Method method = Method.parse(text(params, "method", "from-scratch"));
        LoraSettings lora = method != Method.LORA ? null : new LoraSettings(integer(params, "loraRank", 8),
                (float) decimal(params, "loraAlpha", 16), (float) decimal(params, "loraDropout", 0.05),
                LoraSettings.parseTargets(text(params, "loraTargets", "all")));
        return new FineTuneSettings(method, text(params, "preset", "tiny"), integer(params, "epochs", 3),
                (float) decimal(params, "learningRate", 3e-4), integer(params, "batchSize", 8),
                integer(params, "gradientAccumulation", 1), integer(params, "maxLength", 512),
                integer(params, "warmupSteps", 10), (float) decimal(params, "weightDecay", 0.01),
                (float) decimal(params, "maxGradNorm", 1.0), integer(params, "evalEvery", 20),
                integer(params, "checkpointEvery", 50), integer(params, "earlyStoppingPatience", 3), lora,
                integer(params, "seed", 42));
    }

    LlamaShape presetShape() {
        return switch (preset.toLowerCase(Locale.ROOT)) {
            case "tiny" -> LlamaShape.tiny();
            case "small" -> LlamaShape.small();
            default -> throw new IllegalArgumentException("preset must be tiny or small, not " + preset);
        };
    }

    /** Examples per optimiser step. */
    int effectiveBatchSize() {
        return batchSize * gradientAccumulation;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    private static String text(Map<String, Object> params, String name, String fallback) {
        Object value = params.get(name);
        return value == null || value.toString().isBlank() ? fallback : value.toString().trim();
    }

    private static int integer(Map<String, Object> params, String name, int fallback) {
        double value = decimal(params, name, fallback);
        if (value != Math.rint(value) || Math.abs(value) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be a whole number, not " + params.get(name));
        }
        return (int) value;
    }

    private static double decimal(Map<String, Object> params, String name, double fallback) {
        Object value = params.get(name);
        if (value == null || value.toString().isBlank()) {
            return fallback;
        }
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        try {
            return Double.parseDouble(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, not " + value);
        }
    }
}
