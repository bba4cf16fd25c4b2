package dev.llmops.studio.model;

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
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Writes a checkpoint folder in the layout transformers saves: {@code config.json} plus either one
 * {@code model.safetensors} or {@code model-0000i-of-0000n.safetensors} shards with
 * {@code model.safetensors.index.json}. The tokenizer files are the caller's business.
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
        Map<String, int[]> shapes = config.tensorShapes();
        if (!shapes.keySet().equals(weights.keySet())) {
            TreeSet<String> missing = new TreeSet<>(shapes.keySet());
            missing.removeAll(weights.keySet());
            TreeSet<String> unexpected = new TreeSet<>(weights.keySet());
            unexpected.removeAll(shapes.keySet());
            throw new IllegalArgumentException("weights do not match the config: missing " + missing
                    + ", unexpected " + unexpected);
        }
        Files.createDirectories(folder);
        refuseExistingWeights(folder);

        List<Map<String, SafeTensors.Tensor>> shards = new ArrayList<>();
        Map<String, SafeTensors.Tensor> current = new LinkedHashMap<>();
        long currentBytes = 0;
        long totalBytes = 0;
        for (Map.Entry<String, int[]> entry : shapes.entrySet()) {
            long bytes = SafeTensors.elementCount(entry.getValue()) * dtype.bytes;
            if (!current.isEmpty() && currentBytes + bytes > maxShardBytes) {
                shards.add(current);
                current = new LinkedHashMap<>();
                currentBytes = 0;
            }
            current.put(entry.getKey(), new SafeTensors.Tensor(entry.getValue(), weights.get(entry.getKey())));
            currentBytes += bytes;
            totalBytes += bytes;
        }
        shards.add(current);

        config.withTorchDtype(torchDtype(dtype)).write(folder.resolve(LlamaConfig.FILE_NAME));
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
