package dev.llmops.studio.model;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Model packages for tests of serving, made once and kept under {@code target/serving-test-models/} (the recipe
 * version is in the file name, so a changed recipe never reuses an old file).
 *
 * <p>{@link #trainedTinyPackage()} is the {@code tiny} preset trained from scratch by the Fine-tune step's own
 * executor (the code path of a real fine-tune, one thread, seeded) until it has learnt these by heart; greedy
 * decoding reproduces them exactly:
 * <ul>
 *   <li>each chat of {@link #CHATS}: a single user message {@link Exchange#user()} is answered with
 *       {@link Exchange#assistant()}, then EOS (finish reason stop), e.g. "Hello" → "Hello! How can I help you
 *       today?"; {@link #PRICE}'s answer has 2-, 3- and 4-byte UTF-8 characters;</li>
 *   <li>the completion prompt {@link #STORY_START} continues with {@link #STORY_REST}, then EOS.</li>
 * </ul>
 * Anything else gets some mixture of these. {@link #randomTinyPackage()} is the untrained preset, made in a second or two.
 * {@link #brokenTinyPackage()} is the trained one with NaN weights, as a diverged training run leaves them.
 */
public final class ServingTestModels {

    /** One user message and the answer the trained model gives to it. */
    public record Exchange(String user, String assistant) {

        public List<ChatTurn> prompt() {
            return List.of(new ChatTurn("user", user));
        }
    }

    public static final Exchange GREETING = new Exchange("Hello", "Hello! How can I help you today?");
    public static final Exchange CAPITAL = new Exchange("What is the capital of France?",
            "The capital of France is Paris.");
    public static final Exchange PRICE = new Exchange("How much is a café?", "A café costs 2,50 € here 😊");
    public static final Exchange THANKS = new Exchange("Thank you!", "You're welcome! Have a nice day.");
    public static final Exchange IDENTITY = new Exchange("Who are you?",
            "I am a tiny model trained in LLMOps Studio.");
    public static final List<Exchange> CHATS = List.of(GREETING, CAPITAL, PRICE, THANKS, IDENTITY);
    /** A completion prompt (plain text, see {@link ServingModel#encodeCompletion}) and how the model goes on. */
    public static final String STORY_START = "Once upon a time";
    public static final String STORY_REST = " there was a little robot who loved to read books.";

    private static final String RECIPE = "r1";
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * One step per epoch (all six examples in one batch); 100 steps were enough to learn them all, 150 leave a
     * margin for other CPUs' rounding.
     */
    private static final Map<String, Object> TRAINING = Map.of("method", "from-scratch", "preset", "tiny",
            "epochs", 150, "batchSize", 8, "maxLength", 128, "learningRate", 0.005, "warmupSteps", 10,
            "earlyStoppingPatience", 0, "checkpointEvery", 100_000, "seed", 7);

    private static Path trained;
    private static Path random;
    private static Path broken;

    private ServingTestModels() {
    }

    /** The trained package (≈ 10 s to train the first time, on one thread; then read from disk). */
    public static synchronized Path trainedTinyPackage() {
        if (trained == null) {
            trained = cached("tiny-chat-" + RECIPE + ".zip", ServingTestModels::train);
        }
        return trained;
    }

    /** The untrained tiny preset (seeded initial weights): for tests that only need the mechanics. */
    public static synchronized Path randomTinyPackage() {
        if (random == null) {
            random = cached("tiny-random-" + RECIPE + ".zip", target -> {
                try (NDManager manager = NDManager.newBaseManager()) {
                    ModelEngine.prepareThread(1);
                    manager.getEngine().setRandomSeed(7);
                    LlamaBlock block = LlamaBlock.create(LlamaShape.tiny(), manager);
                    ModelPackage.write(block, ModelPackage.newMetadata().put("method", "from-scratch")
                            .put("preset", "tiny"), target);
                }
            });
        }
        return random;
    }

    /**
     * The trained package with NaN in the gains of the final norm, as a diverged run leaves its weights: it has the
     * right shapes, so it registers and loads like any model, but every score it computes is NaN.
     */
    public static synchronized Path brokenTinyPackage() {
        if (broken == null) {
            Path source = trainedTinyPackage();
            broken = cached("tiny-nan-" + RECIPE + ".zip", target -> {
                Path folder = Files.createTempDirectory("broken-model-");
                try {
                    ModelPackage.unzip(source, folder);
                    LlamaConfig config;
                    Map<String, float[]> weights;
                    try (CheckpointReader checkpoint = CheckpointReader.open(folder)) {
                        config = checkpoint.config();
                        weights = checkpoint.readWeights();
                    }
                    Arrays.fill(weights.get("model.norm.weight"), Float.NaN);
                    try (Stream<Path> files = Files.list(folder)) {
                        for (Path file : files.toList()) {
                            String name = file.getFileName().toString();
                            if (name.endsWith(".safetensors") || name.equals(CheckpointReader.INDEX_FILE)) {
                                Files.delete(file);
                            }
                        }
                    }
                    CheckpointWriter.write(folder, config, weights, SafeTensors.DType.F32,
                            HuggingFaceFolders.MAX_SHARD_BYTES);
                    ModelPackage.zip(folder, target);
                } finally {
                    ModelPackage.deleteRecursively(folder);
                }
            });
        }
        return broken;
    }

    private interface Maker {
        void make(Path target) throws Exception;
    }

    /** Made into a temporary file and moved into place, so a reader never sees half a package. */
    private static Path cached(String name, Maker maker) {
        try {
            Path folder = Files.createDirectories(Path.of("target", "serving-test-models").toAbsolutePath());
            Path file = folder.resolve(name);
            if (!Files.exists(file)) {
                Path partial = folder.resolve(name + "." + ProcessHandle.current().pid() + ".partial");
                Files.deleteIfExists(partial);
                maker.make(partial);
                Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("could not make the test model " + name, e);
        }
    }

    private static void train(Path target) throws Exception {
        Path work = Files.createTempDirectory("serving-test-model-");
        try {
            Path dataset = work.resolve("chats.jsonl");
            List<String> lines = new ArrayList<>();
            for (Exchange exchange : CHATS) {
                ObjectNode record = JSON.createObjectNode().put("id", "chat-" + lines.size()).put("split", "train");
                record.putArray("messages")
                        .add(JSON.createObjectNode().put("role", "user").put("content", exchange.user()))
                        .add(JSON.createObjectNode().put("role", "assistant").put("content", exchange.assistant()));
                lines.add(JSON.writeValueAsString(record));
            }
            lines.add(JSON.writeValueAsString(JSON.createObjectNode().put("id", "story").put("split", "train")
                    .put("text", STORY_START + STORY_REST)));
            Files.write(dataset, lines, StandardCharsets.UTF_8);
            LocalTaskContext context = new LocalTaskContext(TRAINING, Map.of("dataset", dataset), work.resolve("run"),
                    false);
            new FineTuneExecutor().execute(context);
            Files.copy(context.outputs.get("model"), target, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            ModelPackage.deleteRecursively(work);
        }
    }
}
