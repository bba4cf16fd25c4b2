package dev.llmops.studio.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * What the rest of the studio may know about a MODEL artifact without loading its weights: the metadata the
 * training (or quantization, or import) wrote into it.
 */
public final class ModelPackages {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelPackages() {
    }

    /**
     * @param metadata     studio-model.json as written: method, lineage, training, result, quantization …
     * @param quantization "none", "int8" or "int4-g64" (scheme and group size)
     */
    public record Description(JsonNode metadata, String format, String architecture, long parameters,
                              String method, String quantization) {
    }

    /** Reads only the metadata entry of a package; refuses anything that is not a model package. */
    public static Description describe(Path zip) throws IOException {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            ZipEntry entry = file.getEntry(ModelPackage.METADATA);
            if (entry == null) {
                throw new CheckpointFormatException("not a model package: " + ModelPackage.METADATA + " is missing");
            }
            JsonNode metadata;
            try (InputStream in = file.getInputStream(entry)) {
                metadata = JSON.readTree(in);
            }
            if (!ModelPackage.FORMAT.equals(metadata.path("format").asText())) {
                throw new CheckpointFormatException("not a model package: format is "
                        + metadata.path("format").asText("missing"));
            }
            return new Description(metadata, metadata.path("format").asText(),
                    metadata.path("architecture").asText("llama"), metadata.path("parameters").asLong(),
                    metadata.path("method").asText(null), quantization(metadata.path("quantization")));
        } catch (ZipException e) {
            throw new CheckpointFormatException("not a model package (zip): " + e.getMessage());
        }
    }

    private static String quantization(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return "none";
        }
        String scheme = node.path("scheme").asText(node.path("bits").isNumber() ? "int" + node.path("bits").asInt()
                : "none");
        int group = node.path("groupSize").asInt(0);
        return scheme.equals("int4") && group > 0 ? scheme + "-g" + group : scheme;
    }
}
