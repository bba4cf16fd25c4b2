package dev.llmops.studio.model;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmops.studio.model.ByteTokenizer.Encoded;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A model trained in-process on the demo data (templates/datasets/support-replies.jsonl), without the run engine:
 * for tests and benchmarks that need weights that have learnt something, as quantization error only shows on
 * those. The split is fixed by position (every tenth example to validation, the next to test), not by the
 * hashed shares a dataset version uses: deterministic and independent of the dataset code.
 */
final class DemoTraining {

    static final String DEMO_RESOURCE = "templates/datasets/support-replies.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private DemoTraining() {
    }

    /** Writes the demo data as a dataset version file (one record per line, split set) and returns it. */
    static Path writeDemoVersion(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        try (InputStream in = DemoTraining.class.getClassLoader().getResourceAsStream(DEMO_RESOURCE)) {
            if (in == null) {
                throw new IOException(DEMO_RESOURCE + " is not on the classpath");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            int index = 0;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                ObjectNode record = (ObjectNode) JSON.readTree(line);
                record.put("split", index % 10 == 8 ? "validation" : index % 10 == 9 ? "test" : "train");
                lines.add(JSON.writeValueAsString(record));
                index++;
            }
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    /**
     * Trains {@code shape} from scratch for {@code steps} steps of {@code batchSize} training examples (cut to
     * {@code maxLength} tokens), AdamW with warm-up and cosine decay to a tenth of {@code learningRate}.
     */
    static LlamaBlock train(LlamaShape shape, TrainingExamples examples, int steps, int batchSize,
                            float learningRate, long seed, NDManager manager) {
        manager.getEngine().setRandomSeed((int) seed);
        LlamaBlock block = LlamaBlock.create(shape, manager);
        LlamaTrainer trainer = new LlamaTrainer(block, manager,
                new WarmupCosine(learningRate, Math.max(1, steps / 10), steps, 0.1f), 0.01f, 1f);
        List<Encoded> train = examples.train();
        int stepsPerEpoch = Math.max(1, train.size() / batchSize);
        int[] order = null;
        for (int step = 0; step < steps; step++) {
            int epoch = step / stepsPerEpoch;
            if (step % stepsPerEpoch == 0) {
                order = TrainingExamples.epochOrder(train.size(), seed, epoch);
            }
            int from = (step % stepsPerEpoch) * batchSize;
            List<Encoded> batch = new ArrayList<>();
            for (int i = from; i < Math.min(train.size(), from + batchSize); i++) {
                batch.add(train.get(order[i]));
            }
            LlamaTrainer.MicroBatch padded = TrainingExamples.pad(batch);
            trainer.step(List.of(padded));
        }
        return block;
    }
}
