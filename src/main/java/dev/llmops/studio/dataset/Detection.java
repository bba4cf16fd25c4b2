package dev.llmops.studio.dataset;

import java.util.List;

/**
 * What {@link DatasetParser#detect} found out about an uploaded file. {@code delimiter} is the CSV delimiter
 * ({@code '\0'} for other formats); {@code bom} tells whether a UTF-8 byte order mark was skipped;
 * {@code columns} are the CSV header names, the top-level keys of the first JSONL objects in order of
 * appearance, or {@code text} for plain text; {@code jsonShape} is the shape most of the first JSONL objects
 * have ({@code chat}, {@code instruction}, {@code prompt-completion} or {@code text}), null for other formats
 * or when no valid object was found.
 */
record Detection(SourceFormat format, char delimiter, boolean bom, List<String> columns, String jsonShape) {

    Detection {
        columns = List.copyOf(columns);
    }
}
