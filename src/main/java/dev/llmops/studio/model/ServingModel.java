package dev.llmops.studio.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A model package loaded for generation: its weights in a {@link CpuDecoder} (plain Java, no DJL engine or
 * native memory to manage) and the prompt formats of the studio's byte tokenizer, the same ones training used, so
 * a fine-tuned model sees chats as it learnt them. Immutable and safe to share; requests run in a
 * {@link ContinuousBatcher}.
 */
public final class ServingModel {

    private final CpuDecoder decoder;
    private final String description;
    private final ByteTokenizer tokenizer = new ByteTokenizer();

    ServingModel(CpuDecoder decoder, String description) {
        this.decoder = decoder;
        this.description = description;
    }

    /**
     * Loads a model package zip (as the registry stores it; quantized packages come back dequantized). The files
     * are needed only while loading: they are unzipped into a new folder inside {@code workDir} (created if
     * missing, shared safely between loads) and removed again once the weights are in memory.
     *
     * @throws IllegalArgumentException the package's tokenizer is not the studio's byte tokenizer, whose ids are
     *                                  the only ones the prompt formats here produce
     * @throws CheckpointFormatException the file is not a model package or its weights are unusable
     */
    public static ServingModel load(Path packageZip, Path workDir) throws IOException {
        ModelPackages.Description described = ModelPackages.describe(packageZip);
        String tokenizer = described.metadata().path("tokenizer").asText("missing");
        if (!ModelPackage.BYTE_TOKENIZER.equals(tokenizer)) {
            throw new IllegalArgumentException("the model uses the tokenizer “" + tokenizer + "”; serving supports"
                    + " the studio's byte-level tokenizer only so far");
        }
        Path folder = Files.createTempDirectory(Files.createDirectories(workDir), "package-");
        try {
            ModelPackage.unpack(packageZip, folder);
            try (CheckpointReader checkpoint = CheckpointReader.open(folder)) {
                LlamaShape shape = LlamaShape.fromConfig(checkpoint.config());
                if (shape.vocab() != ByteTokenizer.VOCAB_SIZE) {
                    throw new CheckpointFormatException("the package says its tokenizer is the byte tokenizer, but"
                            + " its vocabulary has " + shape.vocab() + " tokens instead of "
                            + ByteTokenizer.VOCAB_SIZE);
                }
                CpuDecoder decoder = new CpuDecoder(shape, checkpoint.readWeights());
                return new ServingModel(decoder, describe(described, shape));
            }
        } finally {
            ModelPackage.deleteRecursively(folder);
        }
    }

    private static String describe(ModelPackages.Description described, LlamaShape shape) {
        StringBuilder text = new StringBuilder(described.architecture());
        String preset = described.metadata().path("preset").asText("");
        if (!preset.isEmpty()) {
            text.append(' ').append(preset);
        }
        text.append(String.format(Locale.ROOT, " · %.2f M parameters", shape.parameterCount() / 1e6));
        if (!"none".equals(described.quantization())) {
            text.append(" · ").append(described.quantization());
        }
        return text.toString();
    }

    /** For logs and model lists, e.g. "llama tiny · 1.02 M parameters · int8". */
    public String description() {
        return description;
    }

    /** Positions the model reads: prompt and output together never exceed it. */
    public int maxPositions() {
        return decoder.shape().maxPositions();
    }

    /** BOS and the text's bytes: training puts plain texts after BOS, so a completion continues from there. */
    public int[] encodeCompletion(String prompt) {
        int[] bytes = tokenizer.encode(prompt);
        int[] ids = new int[bytes.length + 1];
        ids[0] = ByteTokenizer.BOS;
        System.arraycopy(bytes, 0, ids, 1, bytes.length);
        return ids;
    }

    /** The chat template training used, ending with the assistant marker so the model answers next. */
    public int[] encodeChat(List<ChatTurn> messages) {
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a chat needs at least one message");
        }
        List<ByteTokenizer.Message> converted = new ArrayList<>(messages.size());
        for (ChatTurn turn : messages) {
            converted.add(new ByteTokenizer.Message(turn.tokenizerRole(), turn.content()));
        }
        return tokenizer.encodeChat(converted, true).ids();
    }

    CpuDecoder decoder() {
        return decoder;
    }
}
