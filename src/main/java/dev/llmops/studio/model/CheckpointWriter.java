package dev.llmops.studio.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Writes a checkpoint folder in the layout transformers saves: {@code config.json} plus either one
 * {@code model.safetensors} or {@code model-0000i-of-0000n.safetensors} shards with
 * {@code model.safetensors.index.json}. The tokenizer files are the caller's business. Weights go out as floats
 * ({@link #write}) or quantized ({@link #writeQuantized}, layout in {@link WeightQuantization}).
 */
final class CheckpointWriter {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CheckpointWriter() {
    }

    /**
     * @param weights       exactly the tensors {@link LlamaConfig#tensorShapes()} lists, row-major
     * @param maxShardBytes a new shard starts before a tensor that would take the current one past this; a
     *                      single tensor larger than it gets a shard of its own
     */
    static void write(Path folder, LlamaConfig config, Map<String, float[]> weights, SafeTensors.DType dtype,
                      long maxShardBytes) throws IOException {
        checkNames(config, weights);
        List<Map<String, SafeTensors.StoredTensor>> units = new ArrayList<>();
        config.tensorShapes().forEach((name, shape) ->
                units.add(Map.of(name, new SafeTensors.Tensor(shape, weights.get(name)))));
        writeUnits(folder, config.withTorchDtype(torchDtype(dtype)), null, units, dtype, maxShardBytes);
    }

    /**
     * Writes the weights quantized as {@code quantization} says (every 2-D weight; 1-D ones stay F32), in the
     * layout {@link WeightQuantization} describes, with its {@code quantization_config} in config.json. A weight
     * and its scales always share a shard. {@code torch_dtype} stays float32: the dtype weights load in.
     */
    static void writeQuantized(Path folder, LlamaConfig config, Map<String, float[]> weights,
                               WeightQuantization quantization, long maxShardBytes) throws IOException {
        checkNames(config, weights);
        List<Map<String, SafeTensors.StoredTensor>> units = new ArrayList<>();
        config.tensorShapes().forEach((name, shape) -> units.add(quantization.store(name, shape, weights.get(name))));
        writeUnits(folder, config.withTorchDtype(torchDtype(SafeTensors.DType.F32)), quantization, units,
                SafeTensors.DType.F32, maxShardBytes);
    }

    private static void checkNames(LlamaConfig config, Map<String, float[]> weights) {
        Map<String, int[]> shapes = config.tensorShapes();
        if (!shapes.keySet().equals(weights.keySet())) {
            TreeSet<String> missing = new TreeSet<>(shapes.keySet());
            missing.removeAll(weights.keySet());
            TreeSet<String> unexpected = new TreeSet<>(weights.keySet());
            unexpected.removeAll(shapes.keySet());
            throw new IllegalArgumentException("weights do not match the config: missing " + missing
                    + ", unexpected " + unexpected);
        }
    }

    /** Each unit (a weight, with its scales when quantized) goes whole into one shard. */
    private static void writeUnits(Path folder, LlamaConfig config, WeightQuantization quantization,
                                   List<Map<String, SafeTensors.StoredTensor>> units, SafeTensors.DType dtype,
                                   long maxShardBytes) throws IOException {
        Files.createDirectories(folder);
        refuseExistingWeights(folder);

        List<Map<String, SafeTensors.StoredTensor>> shards = new ArrayList<>();
        Map<String, SafeTensors.StoredTensor> current = new LinkedHashMap<>();
        long currentBytes = 0;
        long totalBytes = 0;
        for (Map<String, SafeTensors.StoredTensor> unit : units) {
            long bytes = unit.values().stream().mapToLong(tensor -> SafeTensors.storedBytes(tensor, dtype)).sum();
            if (!current.isEmpty() && currentBytes + bytes > maxShardBytes) {
                shards.add(current);
                current = new LinkedHashMap<>();
                currentBytes = 0;
            }
            current.putAll(unit);
            currentBytes += bytes;
            totalBytes += bytes;
        }
        shards.add(current);

        Path configFile = folder.resolve(LlamaConfig.FILE_NAME);
        config.write(configFile);
        if (quantization != null) {
            addQuantizationConfig(configFile, quantization);
        }
        if (shards.size() == 1) {
            SafeTensors.write(folder.resolve(CheckpointReader.SINGLE_FILE), shards.get(0), dtype);
            return;
        }
        ObjectNode index = JSON.createObjectNode();
        index.putObject("metadata").put("total_size", totalBytes);
        ObjectNode weightMap = index.putObject("weight_map");
        for (int i = 0; i < shards.size(); i++) {
            String fileName = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
            SafeTensors.write(folder.resolve(fileName), shards.get(i), dtype);
            shards.get(i).keySet().forEach(name -> weightMap.put(name, fileName));
        }
        Files.writeString(folder.resolve(CheckpointReader.INDEX_FILE), JSON.writeValueAsString(index) + "\n");
    }

    /** LlamaConfig keeps only what changes the computation; the quantization config goes in beside it, keys sorted. */
    private static void addQuantizationConfig(Path configFile, WeightQuantization quantization) throws IOException {
        ObjectNode written = (ObjectNode) JSON.readTree(configFile.toFile());
        written.set(WeightQuantization.CONFIG_KEY, quantization.toConfig());
        TreeMap<String, JsonNode> sorted = new TreeMap<>();
        written.fields().forEachRemaining(field -> sorted.put(field.getKey(), field.getValue()));
        ObjectNode ordered = JSON.createObjectNode();
        ordered.setAll(sorted);
        Files.writeString(configFile, JSON.writeValueAsString(ordered) + "\n");
    }

    /** Stale weights next to new ones would be loaded instead of, or mixed with, them. */
    private static void refuseExistingWeights(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            List<String> existing = files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".safetensors") || name.equals(CheckpointReader.INDEX_FILE))
                    .sorted()
                    .toList();
            if (!existing.isEmpty()) {
                throw new IOException(folder + " already holds weights " + existing + "; export to an empty folder");
            }
        }
    }

    private static String torchDtype(SafeTensors.DType dtype) {
        return switch (dtype) {
            case F32 -> "float32";
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            default -> throw new IllegalArgumentException("cannot write weights as " + dtype);
        };
    }
}
