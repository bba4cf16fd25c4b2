package dev.llmops.studio.dataset;

/** The upload formats. JSONL carries one of three shapes, told apart per line. */
public enum SourceFormat {
    CSV, JSONL, TEXT
}
