package dev.llmops.studio.pipeline;

import dev.llmops.studio.platform.ConflictException;

/** Someone saved a newer version since the editor opened theirs; nothing was overwritten. */
public class EditConflictException extends ConflictException {

    public EditConflictException(String pipelineName, int baseVersion, PipelineVersionInfo newer) {
        super("version", "“" + pipelineName + "” changed while you were editing: " + newer.author()
                + " saved version " + newer.version() + " at " + newer.createdAt().toLocalTime().withNano(0)
                + " UTC (you started from version " + baseVersion + "). Reload to see their changes, or save "
                + "yours as a copy.");
    }
}
