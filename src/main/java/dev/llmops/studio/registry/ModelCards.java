package dev.llmops.studio.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * The model card of a version, generated from what the registry knows (lineage, settings, metrics, who made and
 * promoted it) plus the editable notes, in the spirit of Mitchell et al.'s model cards and Hugging Face's README
 * layout, so it can be exported as Markdown and read anywhere.
 */
final class ModelCards {

    private ModelCards() {
    }

    static String markdown(ModelVersionInfo v) {
        JsonNode meta = v.metadata();
        StringBuilder md = new StringBuilder();
        md.append("# ").append(v.label()).append("\n\n");
        md.append("| | |\n| --- | --- |\n");
        row(md, "Architecture", "Llama (decoder-only), " + String.format(Locale.ROOT, "%.2f M parameters",
                v.parameters() / 1e6));
        row(md, "Tokenizer", meta.path("tokenizer").asText("?").equals("byte")
                ? "byte-level (UTF-8 bytes plus chat markers)" : meta.path("tokenizer").asText("?"));
        row(md, "Weights", quantizationText(v.quantization()) + ", " + String.format(Locale.ROOT, "%.1f MB",
                v.sizeBytes() / 1e6) + ", stored encrypted (AES-256-GCM)");
        row(md, "Aliases", v.aliases().isEmpty() ? "none" : String.join(", ", v.aliases()));
        row(md, "Created", v.createdAt() + " by " + v.createdBy());
        md.append("\n## How it was made\n\n");
        if (v.runId() != null) {
            md.append("- Step “").append(v.nodeLabel()).append("” of run ").append(v.runId()).append('\n');
        }
        md.append("- Method: ").append(v.method() == null ? "unknown" : v.method());
        if (meta.path("preset").isTextual()) {
            md.append(" (").append(meta.path("preset").asText()).append(" preset)");
        }
        md.append('\n');
        if (v.baseVersion() != null) {
            md.append("- Based on: ").append(v.baseVersion()).append('\n');
        }
        if (v.datasetArtifact() != null) {
            md.append("- Training data: dataset version `").append(v.datasetArtifact()).append("`\n");
        }
        JsonNode training = meta.path("training");
        if (training.isObject() && training.size() > 0) {
            md.append("\n### Training settings\n\n| setting | value |\n| --- | --- |\n");
            for (Iterator<Map.Entry<String, JsonNode>> it = training.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                row(md, field.getKey(), field.getValue().asText());
            }
        }
        md.append("\n## Metrics\n\n");
        JsonNode result = meta.path("result");
        if (result.path("validationLoss").isNumber()) {
            md.append("| metric | value |\n| --- | --- |\n");
            row(md, "validation loss before training", number(result.path("firstValidationLoss")));
            row(md, "validation loss (kept weights)", number(result.path("validationLoss")));
            row(md, "validation perplexity", number(result.path("perplexity")));
            row(md, "training steps", result.path("steps").asText() + " of " + result.path("plannedSteps").asText()
                    + (result.path("stoppedEarly").asBoolean() ? " (early stopping)" : ""));
            row(md, "training time", number(result.path("trainingSeconds")) + " s");
        } else {
            md.append("No validation metrics were recorded.\n");
        }
        JsonNode quantization = meta.path("quantization");
        if (quantization.isObject()) {
            md.append("\n### Quantization\n\n| | |\n| --- | --- |\n");
            for (Iterator<Map.Entry<String, JsonNode>> it = quantization.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                row(md, field.getKey(), field.getValue().isNumber() ? number(field.getValue())
                        : field.getValue().asText());
            }
        }
        md.append("\n## Intended use\n\nDrafting replies in the domain of its training data, reviewed by a person"
                + " before they are sent. Scores above are on held-out examples of that data only.\n");
        md.append("\n## Limitations\n\nA small model trained on little data: it repeats the style of its training"
                + " set, may state wrong facts confidently, and knows nothing outside it. Personal data was"
                + " handled when the dataset was uploaded; the model may still reproduce rare strings it saw.\n");
        md.append("\n## Notes\n\n").append(v.notes() == null ? "_None yet._" : v.notes()).append('\n');
        return md.toString();
    }

    static String quantizationText(String quantization) {
        return switch (quantization) {
            case "none" -> "32-bit floats (fp32)";
            case "int8" -> "8-bit integers per output channel";
            default -> quantization.startsWith("int4") ? "4-bit integers, groups of "
                    + quantization.substring(quantization.indexOf('g') + 1) : quantization;
        };
    }

    private static void row(StringBuilder md, String key, String value) {
        md.append("| ").append(key).append(" | ").append(value.replace("|", "\\|").replace("\n", " ")).append(" |\n");
    }

    private static String number(JsonNode node) {
        return node.isNumber() ? String.format(Locale.ROOT, "%.4g", node.asDouble()) : node.asText("–");
    }
}
