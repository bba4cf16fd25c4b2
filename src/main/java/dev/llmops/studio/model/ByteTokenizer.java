package dev.llmops.studio.model;

import java.io.ByteArrayOutputStream;
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
