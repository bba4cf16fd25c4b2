package dev.llmops.studio.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Byte-level tokenizer for the built-in presets: every UTF-8 byte is its own id (0..255), so any text round-trips
 * and no vocabulary has to be trained; the special tokens follow the bytes.
 */
final class ByteTokenizer {

    static final int BOS = 256;
    static final int EOS = 257;
    static final int PAD = 258;
    static final int SYSTEM = 259;
    static final int USER = 260;
    static final int ASSISTANT = 261;
    static final int VOCAB_SIZE = 262;
    private static final ObjectMapper JSON = new ObjectMapper();

    enum Role {
        SYSTEM(ByteTokenizer.SYSTEM), USER(ByteTokenizer.USER), ASSISTANT(ByteTokenizer.ASSISTANT);

        private final int marker;

        Role(int marker) {
            this.marker = marker;
        }
    }

    record Message(Role role, String content) {
    }

    /**
     * Token ids with, per position, whether the model should learn to produce that token: true only for assistant
     * replies and the EOS that closes them, so the loss is not spent on reproducing prompts.
     */
    record Encoded(int[] ids, boolean[] response) {

        Encoded {
            if (ids.length != response.length) {
                throw new IllegalArgumentException("ids and response flags differ in length");
            }
        }
    }

    /** Special tokens by id, as written into tokenizer.json and read by other tools. */
    static final List<String> SPECIAL_TOKENS = List.of("<s>", "</s>", "<pad>", "<|system|>", "<|user|>",
            "<|assistant|>");

    /** The same template as {@link #encodeChat}, in the Jinja form transformers' apply_chat_template reads. */
    static final String CHAT_TEMPLATE = "{{ bos_token }}{% for message in messages %}<|{{ message['role'] }}|>"
            + "{{ message['content'] }}{{ eos_token }}{% endfor %}{% if add_generation_prompt %}<|assistant|>"
            + "{% endif %}";

    /**
     * Writes tokenizer.json and tokenizer_config.json that make Hugging Face tokenizers produce exactly these ids:
     * a byte-level BPE with no merges, whose 256 base symbols are the bytes in GPT-2's byte-to-character mapping,
     * in byte order, followed by the special tokens.
     */
    static void writeHuggingFaceFiles(Path folder) throws IOException {
        ObjectNode tokenizer = JSON.createObjectNode();
        tokenizer.put("version", "1.0");
        tokenizer.putNull("truncation");
        tokenizer.putNull("padding");
        ArrayNode added = tokenizer.putArray("added_tokens");
        for (int i = 0; i < SPECIAL_TOKENS.size(); i++) {
            added.addObject().put("id", 256 + i).put("content", SPECIAL_TOKENS.get(i)).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        }
        tokenizer.putNull("normalizer");
        tokenizer.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false)
                .put("trim_offsets", false).put("use_regex", false);
        tokenizer.putNull("post_processor");
        tokenizer.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", false)
                .put("trim_offsets", false).put("use_regex", false);
        ObjectNode model = tokenizer.putObject("model");
        model.put("type", "BPE").putNull("dropout").putNull("unk_token").putNull("continuing_subword_prefix")
                .putNull("end_of_word_suffix").put("fuse_unk", false).put("byte_fallback", false)
                .put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        String[] symbols = byteSymbols();
        for (int b = 0; b < 256; b++) {
            vocab.put(symbols[b], b);
        }
        model.putArray("merges");
        JSON.writerWithDefaultPrettyPrinter().writeValue(folder.resolve("tokenizer.json").toFile(), tokenizer);

        ObjectNode config = JSON.createObjectNode();
        config.put("tokenizer_class", "PreTrainedTokenizerFast").put("bos_token", SPECIAL_TOKENS.get(0))
                .put("eos_token", SPECIAL_TOKENS.get(1)).put("pad_token", SPECIAL_TOKENS.get(2))
                .put("add_bos_token", false).put("model_max_length", 1_000_000).put("chat_template", CHAT_TEMPLATE);
        JSON.writerWithDefaultPrettyPrinter().writeValue(folder.resolve("tokenizer_config.json").toFile(), config);
    }

    /**
     * GPT-2's reversible byte-to-character mapping: printable Latin-1 bytes stand for themselves, the others for
     * the characters from U+0100 on, in byte order. It keeps vocabularies free of whitespace and control bytes.
     */
    private static String[] byteSymbols() {
        String[] symbols = new String[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            symbols[b] = String.valueOf((char) (printable ? b : next++));
        }
        return symbols;
    }

    int[] encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = bytes[i] & 0xFF;
        }
        return ids;
    }

    /**
     * The text of the byte ids; special tokens are left out (they carry structure, not text) and byte sequences
     * that are not valid UTF-8, such as a character cut by a length limit, become U+FFFD.
     */
    String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(ids.length);
        for (int id : ids) {
            if (id < 0 || id >= VOCAB_SIZE) {
                throw new IllegalArgumentException("id " + id + " is outside the vocabulary");
            }
            if (id < 256) {
                bytes.write(id);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * The chat template: BOS, then per message its role marker, its UTF-8 bytes and EOS. With
     * {@code addGenerationPrompt} an assistant marker ends the sequence, so generation continues with the reply
     * and stops at EOS.
     */
    Encoded encodeChat(List<Message> messages, boolean addGenerationPrompt) {
        IntBuffer ids = new IntBuffer();
        ids.add(BOS, false);
        for (Message message : messages) {
            boolean response = message.role() == Role.ASSISTANT;
            ids.add(message.role().marker, false);
            for (int id : encode(message.content())) {
                ids.add(id, response);
            }
            ids.add(EOS, response);
        }
        if (addGenerationPrompt) {
            ids.add(ASSISTANT, false);
        }
        return ids.toEncoded();
    }

    private static final class IntBuffer {
        private int[] ids = new int[64];
        private boolean[] response = new boolean[64];
        private int size;

        void add(int id, boolean isResponse) {
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, size * 2);
                response = Arrays.copyOf(response, size * 2);
            }
            ids[size] = id;
            response[size++] = isResponse;
        }

        Encoded toEncoded() {
            return new Encoded(Arrays.copyOf(ids, size), Arrays.copyOf(response, size));
        }
    }
}
