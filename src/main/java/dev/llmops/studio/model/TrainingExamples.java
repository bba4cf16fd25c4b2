package dev.llmops.studio.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmops.studio.dataset.ChatMessage;
import dev.llmops.studio.dataset.DatasetRecord;
import dev.llmops.studio.run.StepSettingsException;
import dev.llmops.studio.model.ByteTokenizer.Encoded;
import dev.llmops.studio.model.ByteTokenizer.Message;
import dev.llmops.studio.model.ByteTokenizer.Role;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A dataset version's examples as token sequences, by split. Chat examples go through the chat template with
 * the loss on assistant replies only; plain text is learnt whole; a text with a label becomes a user turn answered
 * by the label. Sequences longer than the context are cut at its end, and an example whose cut leaves no reply
 * token is skipped (and counted), since it would teach nothing.
 */
final class TrainingExamples {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final List<Encoded> train;
    private final List<Encoded> validation;
    private final List<Encoded> test;
    private final int skipped;
    private final int truncated;

    private TrainingExamples(List<Encoded> train, List<Encoded> validation, List<Encoded> test, int skipped,
                             int truncated) {
        this.train = train;
        this.validation = validation;
        this.test = test;
        this.skipped = skipped;
        this.truncated = truncated;
    }

    /** The first {@code limit} records of a split, in file order, for generated samples. */
    static List<DatasetRecord> records(Path file, String split, int limit) throws IOException {
        List<DatasetRecord> records = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while (records.size() < limit && (line = in.readLine()) != null) {
                number++;
                if (!line.isBlank()) {
                    DatasetRecord record = parse(line, number);
                    if (split.equals(splitOf(record))) {
                        records.add(record);
                    }
                }
            }
        }
        return records;
    }

    private static DatasetRecord parse(String line, int number) {
        try {
            return JSON.readValue(line, DatasetRecord.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("dataset line " + number + " is not a dataset record: "
                    + e.getOriginalMessage(), e);
        }
    }

    private static String splitOf(DatasetRecord record) {
        return record.split() == null ? "train" : record.split().toLowerCase(Locale.ROOT);
    }

    /** Reads a dataset version file (one {@link DatasetRecord} per line, split set). */
    static TrainingExamples read(Path file, ByteTokenizer tokenizer, int maxLength) throws IOException {
        return read(file, tokenizer, maxLength, true);
    }

    /** As {@link #read(Path, ByteTokenizer, int)}; {@code needTraining} false accepts a version with no train split. */
    static TrainingExamples read(Path file, ByteTokenizer tokenizer, int maxLength, boolean needTraining)
            throws IOException {
        List<Encoded> train = new ArrayList<>();
        List<Encoded> validation = new ArrayList<>();
        List<Encoded> test = new ArrayList<>();
        int skipped = 0;
        int truncated = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                DatasetRecord record = parse(line, number);
                Encoded full = encode(record, tokenizer);
                Encoded cut = full.ids().length <= maxLength ? full
                        : new Encoded(Arrays.copyOf(full.ids(), maxLength), Arrays.copyOf(full.response(), maxLength));
                if (cut != full) {
                    truncated++;
                }
                if (responseTokens(cut) == 0) {
                    skipped++;
                    continue;
                }
                switch (splitOf(record)) {
                    case "validation" -> validation.add(cut);
                    case "test" -> test.add(cut);
                    default -> train.add(cut);
                }
            }
        }
        if (needTraining && train.isEmpty()) {
            throw new StepSettingsException("the dataset has no usable training examples"
                    + (skipped > 0 ? " (" + skipped + " had no reply within " + maxLength + " tokens)" : ""));
        }
        return new TrainingExamples(List.copyOf(train), List.copyOf(validation), List.copyOf(test), skipped,
                truncated);
    }

    static Encoded encode(DatasetRecord record, ByteTokenizer tokenizer) {
        if (record.chat()) {
            List<Message> messages = new ArrayList<>();
            for (ChatMessage message : record.messages()) {
                messages.add(new Message(role(message.role()), message.content() == null ? "" : message.content()));
            }
            return tokenizer.encodeChat(messages, false);
        }
        String text = record.text() == null ? "" : record.text();
        if (record.label() != null && !record.label().isBlank()) {
            return tokenizer.encodeChat(List.of(new Message(Role.USER, text),
                    new Message(Role.ASSISTANT, record.label())), false);
        }
        int[] bytes = tokenizer.encode(text);
        int[] ids = new int[bytes.length + 2];
        boolean[] response = new boolean[ids.length];
        ids[0] = ByteTokenizer.BOS;
        System.arraycopy(bytes, 0, ids, 1, bytes.length);
        ids[ids.length - 1] = ByteTokenizer.EOS;
        Arrays.fill(response, 1, ids.length, true);
        return new Encoded(ids, response);
    }

    /** system, user and assistant by name; any other role (tool, function) is shown to the model as the user. */
    static Role role(String name) {
        if (name == null) {
            return Role.USER;
        }
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "system" -> Role.SYSTEM;
            case "assistant" -> Role.ASSISTANT;
            default -> Role.USER;
        };
    }

    static int responseTokens(Encoded encoded) {
        int count = 0;
        // position 0 is never predicted
        for (int i = 1; i < encoded.response().length; i++) {
            if (encoded.response()[i]) {
                count++;
            }
        }
        return count;
    }

    List<Encoded> train() {
        return train;
    }

    List<Encoded> validation() {
        return validation;
    }

    List<Encoded> split(String name) {
        return switch (name) {
            case "train" -> train;
            case "validation" -> validation;
            case "test" -> test;
            default -> throw new IllegalArgumentException("unknown split " + name + "; use train, validation or test");
        };
    }

    int skipped() {
        return skipped;
    }

    int truncated() {
        return truncated;
    }

    /**
     * The training examples of one epoch in a shuffled order that depends only on the seed and the epoch, so a
     * run resumed at a step sees the same batches the interrupted one would have.
     */
    static int[] epochOrder(int size, long seed, int epoch) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Random random = new Random(seed * 1_000_003L + epoch);
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    /**
     * Sequences padded to the longest one with PAD; padding never counts in the loss. Sequences of one token
     * (nothing to predict) cannot occur: every kept example has a reply token after position 0.
     */
    static LlamaTrainer.MicroBatch pad(List<Encoded> examples) {
        int length = examples.stream().mapToInt(e -> e.ids().length).max().orElseThrow();
        int[][] tokens = new int[examples.size()][length];
        boolean[][] trainable = new boolean[examples.size()][length];
        for (int r = 0; r < examples.size(); r++) {
            Encoded example = examples.get(r);
            Arrays.fill(tokens[r], ByteTokenizer.PAD);
            System.arraycopy(example.ids(), 0, tokens[r], 0, example.ids().length);
            System.arraycopy(example.response(), 0, trainable[r], 0, example.response().length);
        }
        return new LlamaTrainer.MicroBatch(tokens, trainable);
    }
}
