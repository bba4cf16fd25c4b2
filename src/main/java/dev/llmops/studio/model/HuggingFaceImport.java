package dev.llmops.studio.model;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipException;

/**
 * Turns a Hugging Face Llama-family checkpoint (a zip of its folder: config.json, *.safetensors or a sharded
 * index, tokenizer.json) into a model package for the registry. Every tensor is loaded into the engine first, so
 * a checkpoint this engine cannot run is refused with the reason before anything is registered; the files are
 * then kept as they came (dtype and sharding included) so nothing is lost in a round trip.
 */
public final class HuggingFaceImport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HuggingFaceImport() {
    }

    /**
     * Reads the uploaded zip (the folder itself or one folder inside it) and writes the package to {@code target}.
     *
     * @param source shown in the metadata and the model card, e.g. the uploaded file's name
     */
    public static ModelPackages.Description importZip(Path upload, String source, Path target) throws IOException {
        Path work = Files.createTempDirectory("hf-import-");
        try {
            Path unpacked = work.resolve("upload");
            unzip(upload, unpacked);
            Path folder = checkpointFolder(unpacked).orElseThrow(() -> new CheckpointFormatException(
                    "the zip has no config.json: zip the Hugging Face model folder (config.json, *.safetensors,"
                            + " tokenizer.json)"));
            String tokenizer = checkTokenizer(folder);
            long parameters;
            try (CheckpointReader checkpoint = CheckpointReader.open(folder);
                 NDManager manager = NDManager.newBaseManager()) {
                LlamaShape shape;
                try {
                    shape = LlamaShape.fromConfig(checkpoint.config());
                } catch (IllegalArgumentException e) {
                    throw new CheckpointFormatException("this model cannot run here: " + e.getMessage());
                }
                ModelEngine.stopRecordingGradients();
                LlamaBlock block = LlamaBlock.create(shape, null, manager);
                Map<String, float[]> weights = checkpoint.readWeights();
                try {
                    block.load(weights);
                } catch (IllegalArgumentException e) {
                    throw new CheckpointFormatException("the weights do not match config.json: " + e.getMessage());
                }
                parameters = block.parameterCount();
            }
            ObjectNode metadata = JSON.createObjectNode();
            metadata.put("format", ModelPackage.FORMAT).put("formatVersion", 1).put("architecture", "llama")
                    .put("tokenizer", tokenizer).put("parameters", parameters).put("trainableParameters", 0)
                    .put("method", "imported").put("createdAt", Instant.now().toString());
            metadata.putObject("lineage").put("importedFrom", source);
            JSON.writerWithDefaultPrettyPrinter().writeValue(folder.resolve(ModelPackage.METADATA).toFile(), metadata);
            ModelPackage.zip(folder, target);
            return ModelPackages.describe(target);
        } finally {
            ModelPackage.deleteRecursively(work);
        }
    }

    /** "byte" when the tokenizer is the studio's own byte-level one, else "huggingface" once it loads offline. */
    private static String checkTokenizer(Path folder) throws IOException {
        Path file = folder.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw new CheckpointFormatException("tokenizer.json is missing: a model without its tokenizer cannot"
                    + " be trained or served");
        }
        Path ours = Files.createTempDirectory("byte-tokenizer-");
        try {
            ByteTokenizer.writeHuggingFaceFiles(ours);
            JsonNode reference = JSON.readTree(ours.resolve("tokenizer.json").toFile());
            if (reference.equals(JSON.readTree(file.toFile()))) {
                return ModelPackage.BYTE_TOKENIZER;
            }
        } finally {
            ModelPackage.deleteRecursively(ours);
        }
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(folder)) {
            tokenizer.encode("check");
        } catch (RuntimeException e) {
            throw new CheckpointFormatException("tokenizer.json does not load: " + e.getMessage());
        }
        return "huggingface";
    }

    private static Optional<Path> checkpointFolder(Path root) throws IOException {
        if (Files.isRegularFile(root.resolve(LlamaConfig.FILE_NAME))) {
            return Optional.of(root);
        }
        try (Stream<Path> children = Files.list(root)) {
            return children.filter(Files::isDirectory)
                    .filter(dir -> Files.isRegularFile(dir.resolve(LlamaConfig.FILE_NAME))).findFirst();
        }
    }

    private static void unzip(Path zip, Path folder) throws IOException {
        try {
            ModelPackage.unzip(zip, folder);
        } catch (ZipException e) {
            throw new CheckpointFormatException("not a zip file: " + e.getMessage());
        }
    }
}
