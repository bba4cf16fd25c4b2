package dev.llmops.studio.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A MODEL artifact: one zip of a Hugging Face folder (config.json, model.safetensors, tokenizer.json,
 * tokenizer_config.json, generation_config.json), so that unzipped it loads in transformers as it is, plus
 * {@value #METADATA} with how the model came to be. A LoRA model carries its weights merged (what serving and
 * quantization need) and, beside them, the adapters in PEFT's layout (adapter_config.json,
 * adapter_model.safetensors) for tools that apply adapters to the base themselves. A quantized model (the Quantize
 * step's output) stores its weights as {@link WeightQuantization} describes, says so in config.json and in the
 * metadata's {@code quantization} object, and loads here dequantized like any other package.
 */
final class ModelPackage {

    static final String METADATA = "studio-model.json";
    static final String FORMAT = "llmops-studio-model";
    /** The only tokenizer the engine trains with today; imported models name theirs. */
    static final String BYTE_TOKENIZER = "byte";
    static final String ADAPTER_CONFIG = "adapter_config.json";
    static final String ADAPTER_WEIGHTS = "adapter_model.safetensors";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelPackage() {
    }

    /**
     * Writes the package of {@code block} to {@code zip}. {@code metadata} is stored as given, with format,
     * architecture, tokenizer and parameter counts added.
     */
    static void write(LlamaBlock block, ObjectNode metadata, Path zip) throws IOException {
        Path folder = Files.createTempDirectory("model-package-");
        try {
            writeFolder(block, metadata, folder);
            zip(folder, zip);
        } finally {
            deleteRecursively(folder);
        }
    }

    static void writeFolder(LlamaBlock block, ObjectNode metadata, Path folder) throws IOException {
        LlamaConfig config = block.shape().toConfig();
        CheckpointWriter.write(folder, config, block.mergedWeights(), SafeTensors.DType.F32,
                HuggingFaceFolders.MAX_SHARD_BYTES);
        ByteTokenizer.writeHuggingFaceFiles(folder);
        ObjectNode generation = JSON.createObjectNode();
        generation.put("bos_token_id", ByteTokenizer.BOS).put("eos_token_id", ByteTokenizer.EOS)
                .put("pad_token_id", ByteTokenizer.PAD).put("max_length", block.shape().maxPositions());
        JSON.writeValue(folder.resolve("generation_config.json").toFile(), generation);
        LoraSettings lora = block.lora();
        if (lora != null) {
            writeAdapters(block, lora, folder);
        }
        ObjectNode described = metadata.deepCopy();
        described.put("format", FORMAT).put("formatVersion", 1).put("architecture", "llama")
                .put("tokenizer", BYTE_TOKENIZER).put("parameters", block.parameterCount())
                .put("trainableParameters", block.trainableParameterCount());
        JSON.writeValue(folder.resolve(METADATA).toFile(), described);
    }

    private static void writeAdapters(LlamaBlock block, LoraSettings lora, Path folder) throws IOException {
        Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> entry : block.adaptersByPeftName().entrySet()) {
            long[] dims = entry.getValue().getShape().getShape();
            int[] shape = {Math.toIntExact(dims[0]), Math.toIntExact(dims[1])};
            tensors.put(entry.getKey(), new SafeTensors.Tensor(shape, entry.getValue().toFloatArray()));
        }
        SafeTensors.write(folder.resolve(ADAPTER_WEIGHTS), tensors, SafeTensors.DType.F32);
        ObjectNode config = JSON.createObjectNode();
        config.put("peft_type", "LORA").put("task_type", "CAUSAL_LM").put("r", lora.rank())
                .put("lora_alpha", lora.alpha()).put("lora_dropout", lora.dropout()).put("bias", "none")
                .putNull("base_model_name_or_path");
        lora.targetModules().stream().sorted().forEach(config.putArray("target_modules")::add);
        JSON.writeValue(folder.resolve(ADAPTER_CONFIG).toFile(), config);
    }

    /** Unzips a package into {@code folder} and returns its metadata; refuses anything but a model package. */
    static ObjectNode unpack(Path zip, Path folder) throws IOException {
        try {
            unzip(zip, folder);
        } catch (java.util.zip.ZipException e) {
            throw new CheckpointFormatException("not a model package (zip): " + e.getMessage());
        }
        Path metadata = folder.resolve(METADATA);
        if (!Files.isRegularFile(metadata)) {
            throw new CheckpointFormatException("not a model package: " + METADATA + " is missing");
        }
        ObjectNode described = (ObjectNode) JSON.readTree(metadata.toFile());
        if (!FORMAT.equals(described.path("format").asText())) {
            throw new CheckpointFormatException("not a model package: format is "
                    + described.path("format").asText("missing"));
        }
        return described;
    }

    /** Loads an unpacked package's weights; with {@code lora}, as the frozen base of new adapters. */
    static LlamaBlock load(Path folder, LoraSettings lora, NDManager manager) throws IOException {
        try (CheckpointReader checkpoint = CheckpointReader.open(folder)) {
            LlamaBlock block = LlamaBlock.create(LlamaShape.fromConfig(checkpoint.config()), lora, manager);
            block.load(checkpoint.readWeights());
            return block;
        }
    }

    /**
     * Writes the quantized copy of the unpacked package in {@code source} into the empty {@code folder}: the
     * source's tokenizer and generation files and {@code weights} quantized as {@code quantization} says (see
     * {@link WeightQuantization}); the caller adds the metadata ({@link #writeMetadata}) once it knows the sizes.
     * LoRA adapter files stay behind: the merged weights being quantized already contain the adapters, and the
     * adapters were trained against the float base, not this one.
     */
    static void writeQuantizedFolder(Path source, LlamaConfig config, Map<String, float[]> weights,
                                     WeightQuantization quantization, Path folder) throws IOException {
        CheckpointWriter.writeQuantized(folder, config, weights, quantization, HuggingFaceFolders.MAX_SHARD_BYTES);
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                boolean replaced = name.endsWith(".safetensors") || name.equals(CheckpointReader.INDEX_FILE)
                        || name.equals(LlamaConfig.FILE_NAME) || name.equals(METADATA)
                        || name.equals(ADAPTER_CONFIG) || name.equals(ADAPTER_WEIGHTS);
                if (!replaced && Files.isRegularFile(file)) {
                    Files.copy(file, folder.resolve(name));
                }
            }
        }
    }

    static void writeMetadata(Path folder, ObjectNode metadata) throws IOException {
        JSON.writeValue(folder.resolve(METADATA).toFile(), metadata);
    }

    /** Bytes of the model's weight files (single or sharded safetensors), not counting adapters or tokenizer. */
    static long weightBytes(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            long total = 0;
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".safetensors") && !name.equals(ADAPTER_WEIGHTS)) {
                    total += Files.size(file);
                }
            }
            return total;
        }
    }

    static ObjectNode newMetadata() {
        return JSON.createObjectNode();
    }

    static void zip(Path folder, Path zip) throws IOException {
        try (OutputStream file = Files.newOutputStream(zip);
             ZipOutputStream out = new ZipOutputStream(file);
             Stream<Path> files = Files.list(folder)) {
            // weights barely compress; the fastest level keeps packaging a small fraction of training time
            out.setLevel(Deflater.BEST_SPEED);
            for (Path path : files.sorted().toList()) {
                out.putNextEntry(new ZipEntry(path.getFileName().toString()));
                try (InputStream in = Files.newInputStream(path)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
    }

    /** Extracts a zip into {@code folder}, refusing entries that would land outside it ("zip slip"). */
    static void unzip(Path zip, Path folder) throws IOException {
        Files.createDirectories(folder);
        Path root = folder.toAbsolutePath().normalize();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                Path target = root.resolve(entry.getName()).normalize();
                if (!target.startsWith(root) || entry.getName().isBlank()) {
                    throw new CheckpointFormatException("zip entry " + entry.getName() + " points outside its folder");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target);
                }
            }
        }
    }

    static void deleteRecursively(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
