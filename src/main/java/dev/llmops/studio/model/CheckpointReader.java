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
 * the config and the headers; tensors are read one at a time. A checkpoint the Quantize step wrote (a
 * {@code quantization_config} in config.json, see {@link WeightQuantization}) reads the same way: its quantized
 * weights come back dequantized to float, so everything that loads weights loads it unchanged.
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
    /** Null for a plain float checkpoint. */
    private final WeightQuantization quantization;
    /** {@link LlamaConfig#tensorShapes()}, built once: quantized reads look shapes up per tensor. */
    private final Map<String, int[]> expectedShapes;

    private CheckpointReader(Path folder, LlamaConfig config, WeightQuantization quantization,
                             Map<Path, SafeTensors> files, Map<String, SafeTensors> fileByTensor) {
        this.folder = folder;
        this.config = config;
        this.quantization = quantization;
        this.files = files;
        this.fileByTensor = fileByTensor;
        this.expectedShapes = config.tensorShapes();
    }

    static CheckpointReader open(Path folder) throws IOException {
        LlamaConfig config = LlamaConfig.read(folder.resolve(LlamaConfig.FILE_NAME));
        WeightQuantization quantization = readQuantization(folder.resolve(LlamaConfig.FILE_NAME));
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
            return new CheckpointReader(folder, config, quantization, files,
                    Collections.unmodifiableMap(fileByTensor));
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

    /** LlamaConfig has read (and checked) the file already; only the quantization config is left to read. */
    private static WeightQuantization readQuantization(Path configFile) throws IOException {
        try {
            return WeightQuantization.fromConfig(JSON.readTree(configFile.toFile()).get(WeightQuantization.CONFIG_KEY));
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(configFile + ": " + e.getMessage(), e);
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

    /** How the weights are quantized, or null when they are stored as floats. */
    WeightQuantization quantization() {
        return quantization;
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

    /** One tensor as float values; a quantized weight comes back dequantized, in its logical shape. */
    float[] read(String tensor) throws IOException {
        if (isQuantized(tensor)) {
            int[] shape = expectedShapes.get(tensor);
            checkQuantizedShapes(tensor, shape);
            String scales = tensor + WeightQuantization.SCALE_SUFFIX;
            String zeroPoints = tensor + WeightQuantization.ZERO_POINT_SUFFIX;
            WeightQuantization.Quantized quantized = new WeightQuantization.Quantized(file(tensor).readBytes(tensor),
                    file(scales).readFloats(scales),
                    quantization.symmetric() ? null : file(zeroPoints).readBytes(zeroPoints));
            return quantization.dequantize(quantized, shape[0], shape[1]);
        }
        return file(tensor).readFloats(tensor);
    }

    /**
     * A weight is stored quantized when the config says the checkpoint is and its scales lie beside it; any other
     * tensor (norm gains) is plain float.
     */
    boolean isQuantized(String tensor) {
        if (quantization == null || !fileByTensor.containsKey(tensor + WeightQuantization.SCALE_SUFFIX)) {
            return false;
        }
        int[] shape = expectedShapes.get(tensor);
        return shape != null && WeightQuantization.quantizes(shape);
    }

    private void checkQuantizedShapes(String tensor, int[] shape) throws CheckpointFormatException {
        WeightQuantization.DTypeShape layout = quantization.storedShape(shape);
        expectStored(tensor, layout.dtype(), layout.shape());
        expectStored(tensor + WeightQuantization.SCALE_SUFFIX, SafeTensors.DType.F32, quantization.scaleShape(shape));
        if (!quantization.symmetric()) {
            expectStored(tensor + WeightQuantization.ZERO_POINT_SUFFIX, SafeTensors.DType.U8,
                    quantization.zeroPointShape(shape));
        }
    }

    private void expectStored(String tensor, SafeTensors.DType dtype, int[] shape) throws CheckpointFormatException {
        if (!fileByTensor.containsKey(tensor)) {
            throw new CheckpointFormatException(folder + ": tensor " + tensor + " is missing (" + quantization
                    + " stores it beside its weight)");
        }
        SafeTensors.TensorInfo info = file(tensor).info(tensor);
        if (info.dtype() != dtype || !Arrays.equals(info.shape(), shape)) {
            throw new CheckpointFormatException(folder + ": tensor " + tensor + " is " + info.dtype() + " "
                    + Arrays.toString(info.shape()) + " but " + quantization + " stores it as " + dtype + " "
                    + Arrays.toString(shape));
        }
    }

    /**
     * All the weights {@code config.json} calls for, in Hugging Face naming, after checking that the checkpoint
     * holds exactly those tensors with those shapes (a stored {@code lm_head} of a tied model is ignored, as
     * transformers does).
     */
    Map<String, float[]> readWeights() throws IOException {
        Map<String, int[]> expected = expectedShapes;
        for (String name : fileByTensor.keySet()) {
            boolean tiedHead = config.tieWordEmbeddings() && name.equals("lm_head.weight");
            if (!expected.containsKey(name) && !tiedHead && !name.endsWith(ROTARY_BUFFER_SUFFIX)
                    && !isQuantizationCompanion(name)) {
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
            if (isQuantized(name)) {
                weights.put(name, read(name));
                continue;
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

    /** The scales or zero points of a quantized weight. */
    private boolean isQuantizationCompanion(String name) {
        String scale = WeightQuantization.SCALE_SUFFIX;
        String zeroPoint = WeightQuantization.ZERO_POINT_SUFFIX;
        if (name.endsWith(scale)) {
            return isQuantized(name.substring(0, name.length() - scale.length()));
        }
        return name.endsWith(zeroPoint) && isQuantized(name.substring(0, name.length() - zeroPoint.length()))
                && !quantization.symmetric();
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
