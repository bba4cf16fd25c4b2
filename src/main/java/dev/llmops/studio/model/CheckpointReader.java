package dev.llmops.studio.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Hugging Face checkpoint folder: {@code config.json} and the weights, either in one
 * {@code model.safetensors} or in shards listed by {@code model.safetensors.index.json}. Opening reads only
 * the config and the headers; tensors are read one at a time.
 */
final class CheckpointReader implements Closeable {

    static final String SINGLE_FILE = "model.safetensors";
    static final String INDEX_FILE = "model.safetensors.index.json";
    /** Older transformers versions saved this buffer; it is recomputed from rope_theta, never loaded. */
    private static final String ROTARY_BUFFER_SUFFIX = ".rotary_emb.inv_freq";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path folder;
    private final LlamaConfig config;
    private final Map<Path, SafeTensors> files;
    private final Map<String, SafeTensors> fileByTensor;

    private CheckpointReader(Path folder, LlamaConfig config, Map<Path, SafeTensors> files,
                             Map<String, SafeTensors> fileByTensor) {
        this.folder = folder;
        this.config = config;
        this.files = files;
        this.fileByTensor = fileByTensor;
    }

    static CheckpointReader open(Path folder) throws IOException {
        LlamaConfig config = LlamaConfig.read(folder.resolve(LlamaConfig.FILE_NAME));
        Map<Path, SafeTensors> files = new LinkedHashMap<>();
        try {
            Map<String, SafeTensors> fileByTensor = new LinkedHashMap<>();
            if (Files.exists(folder.resolve(INDEX_FILE))) {
                readIndex(folder, files, fileByTensor);
            } else if (Files.exists(folder.resolve(SINGLE_FILE))) {
                SafeTensors single = SafeTensors.open(folder.resolve(SINGLE_FILE));
                files.put(single.file(), single);
                single.tensors().keySet().forEach(name -> fileByTensor.put(name, single));
            } else {
                throw new CheckpointFormatException(folder + " has neither " + SINGLE_FILE + " nor " + INDEX_FILE);
            }
            return new CheckpointReader(folder, config, files, Collections.unmodifiableMap(fileByTensor));
        } catch (IOException | RuntimeException e) {
            closeAll(files.values(), e);
            throw e;
        }
    }

    private static void readIndex(Path folder, Map<Path, SafeTensors> files, Map<String, SafeTensors> fileByTensor)
            throws IOException {
        Path index = folder.resolve(INDEX_FILE);
        JsonNode weightMap;
        try {
            weightMap = JSON.readTree(Files.readString(index)).path("weight_map");
        } catch (JsonProcessingException e) {
            throw new CheckpointFormatException(index + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (!weightMap.isObject() || weightMap.isEmpty()) {
            throw new CheckpointFormatException(index + " has no weight_map");
        }
        for (Iterator<Map.Entry<String, JsonNode>> entries = weightMap.fields(); entries.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = entries.next();
            String tensor = entry.getKey();
            Path shard = shardPath(folder, index, tensor, entry.getValue().asText());
            SafeTensors file = files.get(shard);
            if (file == null) {
                if (!Files.exists(shard)) {
                    throw new CheckpointFormatException(index + " maps " + tensor + " to " + shard.getFileName()
                            + ", which is missing");
                }
                file = SafeTensors.open(shard);
                files.put(shard, file);
            }
            if (!file.tensors().containsKey(tensor)) {
                throw new CheckpointFormatException(index + " maps " + tensor + " to " + shard.getFileName()
                        + ", which does not contain it");
            }
            fileByTensor.put(tensor, file);
        }
    }

    /** Shards must be plain file names in the folder, so that an index cannot point elsewhere on disk. */
    private static Path shardPath(Path folder, Path index, String tensor, String fileName)
            throws CheckpointFormatException {
        Path shard = folder.resolve(fileName).normalize();
        if (fileName.isEmpty() || !folder.normalize().equals(shard.getParent())) {
            throw new CheckpointFormatException(index + " maps " + tensor + " to '" + fileName
                    + "', which is not a file name in the checkpoint folder");
        }
        return shard;
    }

    LlamaConfig config() {
        return config;
    }

    /** Every tensor's name, dtype and shape, over all shards. */
    Map<String, SafeTensors.TensorInfo> tensors() {
        Map<String, SafeTensors.TensorInfo> tensors = new LinkedHashMap<>();
        fileByTensor.forEach((name, file) -> tensors.put(name, file.info(name)));
        return tensors;
    }

    Path fileOf(String tensor) {
        return file(tensor).file();
    }

    float[] read(String tensor) throws IOException {
        return file(tensor).readFloats(tensor);
    }

    /**
     * All the weights {@code config.json} calls for, in Hugging Face naming, after checking that the checkpoint
     * holds exactly those tensors with those shapes (a stored {@code lm_head} of a tied model is ignored, as
     * transformers does).
     */
    Map<String, float[]> readWeights() throws IOException {
        Map<String, int[]> expected = config.tensorShapes();
        for (String name : fileByTensor.keySet()) {
            boolean tiedHead = config.tieWordEmbeddings() && name.equals("lm_head.weight");
            if (!expected.containsKey(name) && !tiedHead && !name.endsWith(ROTARY_BUFFER_SUFFIX)) {
                throw new CheckpointFormatException(folder + ": unexpected tensor " + name
                        + " (does config.json match the weights?)");
            }
        }
        Map<String, float[]> weights = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> entry : expected.entrySet()) {
            String name = entry.getKey();
            if (!fileByTensor.containsKey(name)) {
                throw new CheckpointFormatException(folder + ": tensor " + name + " is missing");
            }
            int[] shape = file(name).info(name).shape();
            if (!Arrays.equals(shape, entry.getValue())) {
                throw new CheckpointFormatException(folder + ": tensor " + name + " has shape "
                        + Arrays.toString(shape) + " but config.json implies " + Arrays.toString(entry.getValue()));
            }
            weights.put(name, read(name));
        }
        return weights;
    }

    private SafeTensors file(String tensor) {
        SafeTensors file = fileByTensor.get(tensor);
        if (file == null) {
            throw new IllegalArgumentException(folder + " has no tensor " + tensor);
        }
        return file;
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (SafeTensors file : files.values()) {
            try {
                file.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void closeAll(Iterable<SafeTensors> files, Exception cause) {
        for (SafeTensors file : files) {
            try {
                file.close();
            } catch (IOException e) {
                cause.addSuppressed(e);
            }
        }
    }
}
