package dev.llmops.studio.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * One registered model version as the screens and the API show it.
 *
 * @param quantization "none", "int8", "int4-g64" …
 * @param baseVersion  the version it was fine-tuned or quantized from ("name v3"), or null
 * @param metadata     the package's studio-model.json: training settings, results, lineage
 */
public record ModelVersionInfo(long id, String modelName, int version, String artifact, long sizeBytes,
        String format, long parameters, String quantization, String method, String sourceKind, Long runId,
        String nodeId, String nodeLabel, String baseVersion, String datasetArtifact, JsonNode metadata,
        String notes, String createdBy, OffsetDateTime createdAt, List<String> aliases) {

    public String label() {
        return modelName + " v" + version;
    }

    /**
     * The validation loss of these weights: as training ended (the best kept), or as the Quantize step measured it
     * on the quantized weights; NaN when there was no validation split.
     */
    public double validationLoss() {
        JsonNode quantized = metadata.path("quantization").path("perplexityQuantized");
        if (quantized.isNumber()) {
            return Math.log(quantized.asDouble());
        }
        JsonNode value = metadata.path("result").path("validationLoss");
        return value.isNumber() ? value.asDouble() : Double.NaN;
    }

    public double perplexity() {
        JsonNode quantized = metadata.path("quantization").path("perplexityQuantized");
        if (quantized.isNumber()) {
            return quantized.asDouble();
        }
        JsonNode value = metadata.path("result").path("perplexity");
        return value.isNumber() ? value.asDouble() : Double.NaN;
    }
}
