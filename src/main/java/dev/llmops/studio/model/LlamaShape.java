package dev.llmops.studio.model;

import java.util.List;

/**
 * The dimensions of a Llama-architecture model, kept apart from Hugging Face's config.json so the built-in presets
 * need no file. Field meanings follow the HF names: {@code hidden} is hidden_size, {@code intermediate} the SwiGLU
 * width, {@code kvHeads} num_key_value_heads (grouped-query attention when fewer than {@code heads}).
 */
record LlamaShape(int vocab, int hidden, int intermediate, int layers, int heads, int kvHeads,
                  float ropeTheta, float rmsEps, boolean tiedEmbeddings, int maxPositions) {

    LlamaShape {
        if (vocab <= 0 || hidden <= 0 || intermediate <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0
                || maxPositions <= 0) {
            throw new IllegalArgumentException("dimensions must be positive");
        }
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("hidden " + hidden + " is not a multiple of heads " + heads);
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("heads " + heads + " is not a multiple of kvHeads " + kvHeads);
        }
        if ((hidden / heads) % 2 != 0) {
            throw new IllegalArgumentException("rotary embeddings need an even head dimension");
        }
        if (!(ropeTheta > 0) || !(rmsEps > 0)) {
            throw new IllegalArgumentException("ropeTheta and rmsEps must be positive");
        }
    }

    /** About 1 M parameters over the byte vocabulary: learns a short repetitive text in seconds on one CPU thread. */
    static LlamaShape tiny() {
        return new LlamaShape(ByteTokenizer.VOCAB_SIZE, 128, 512, 4, 4, 2, 10_000f, 1e-5f, true, 512);
    }

    /** About 10 M parameters over the byte vocabulary. */
    static LlamaShape small() {
        return new LlamaShape(ByteTokenizer.VOCAB_SIZE, 384, 1088, 6, 6, 2, 10_000f, 1e-5f, true, 512);
    }

    int headDim() {
        return hidden / heads;
    }

    /** Query heads that share one key/value head. */
    int groupSize() {
        return heads / kvHeads;
    }

    long parameterCount() {
        long kvWidth = (long) kvHeads * headDim();
        long attention = 2L * hidden * hidden + 2L * kvWidth * hidden;
        long mlp = 3L * hidden * intermediate;
        long perLayer = attention + mlp + 2L * hidden;
        long embeddings = (long) vocab * hidden * (tiedEmbeddings ? 1 : 2);
        return embeddings + layers * perLayer + hidden;
    }

    /**
     * The Hugging Face config.json of a model of this shape, so a model trained here exports to the layout other
     * tools read, and tests can run the plain-Java reference on it.
     */
    LlamaConfig toConfig() {
        return new LlamaConfig(hidden, intermediate, layers, heads, kvHeads, vocab, rmsEps, ropeTheta, maxPositions,
                tiedEmbeddings, headDim(), ByteTokenizer.BOS, List.of(ByteTokenizer.EOS), "float32",
                LlamaConfig.ARCHITECTURES);
    }

    /** The shape of an imported Hugging Face model; configs this engine cannot compute exactly are refused. */
    static LlamaShape fromConfig(LlamaConfig config) {
        if (config.headDim() * config.numAttentionHeads() != config.hiddenSize()) {
            throw new IllegalArgumentException("head_dim " + config.headDim() + " × " + config.numAttentionHeads()
                    + " heads differs from hidden_size " + config.hiddenSize() + "; such models are not supported yet");
        }
        return new LlamaShape(config.vocabSize(), config.hiddenSize(), config.intermediateSize(),
                config.numHiddenLayers(), config.numAttentionHeads(), config.numKeyValueHeads(),
                (float) config.ropeTheta(), (float) config.rmsNormEps(), config.tieWordEmbeddings(),
                config.maxPositionEmbeddings());
    }
}
