package dev.llmops.studio.dataset;

import java.util.List;
import java.util.Map;

/**
 * The first look at an uploaded file, from its first kilobytes only: format, delimiter, columns (or JSONL keys),
 * the first rows and a suggested column mapping.
 */
public record UploadAnalysis(String fileName, SourceFormat format, String jsonShape, char delimiter,
        List<String> columns, List<Map<String, String>> preview, ColumnMapping suggestedMapping) {
}
