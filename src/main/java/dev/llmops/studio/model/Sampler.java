package dev.llmops.studio.model;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Temperature, top-k and top-p sampling on the Java side: the draw then depends only on the logits and the seed,
 * not on the engine's random state, so a seeded generation repeats exactly.
 */
final class Sampler {

    private final SamplingOptions options;
    private final SplittableRandom random;

    Sampler(SamplingOptions options) {
        this.options = options;
        this.random = new SplittableRandom(options.seed());
    }

    int next(float[] logits) {
        if (options.temperature() == 0f) {
            return argmax(logits);
        }
        int[] order = IntStream.range(0, logits.length).boxed()
                .sorted((a, b) -> Float.compare(logits[b], logits[a]))
                .mapToInt(Integer::intValue).toArray();
        int kept = options.topK() == 0 ? order.length : Math.min(options.topK(), order.length);
        double[] weights = new double[kept];
        double total = 0;
        for (int i = 0; i < kept; i++) {
            weights[i] = Math.exp((logits[order[i]] - logits[order[0]]) / (double) options.temperature());
            total += weights[i];
        }
        // smallest prefix (by probability) whose mass reaches topP; never empty
        double mass = 0;
        int nucleus = 0;
        while (nucleus < kept && (nucleus == 0 || mass < options.topP() * total)) {
            mass += weights[nucleus++];
        }
        double draw = random.nextDouble() * mass;
        for (int i = 0; i < nucleus - 1; i++) {
            draw -= weights[i];
            if (draw < 0) {
                return order[i];
            }
        }
        return order[nucleus - 1];
    }

    private static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
