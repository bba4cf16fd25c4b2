package dev.llmops.studio.pipeline;

import dev.llmops.studio.platform.InvalidRequestException;
import java.util.List;

/**
 * Pipeline JSON that cannot be read at all (broken syntax, wrong structure, unsupported schema version). It
 * carries every reason found, so an import dialog can list them all instead of making users fix one at a time.
 */
public class InvalidPipelineFileException extends InvalidRequestException {

    private final List<String> reasons;

    public InvalidPipelineFileException(List<String> reasons) {
        super(null, summary(reasons));
        this.reasons = List.copyOf(reasons);
    }

    /** Each reason, e.g. {@code nodes[2]: missing "type"}, in the order found. */
    public List<String> reasons() {
        return reasons;
    }

    /** The reasons again, under the name the REST error handler lists as the problem's {@code errors}. */
    @Override
    public List<String> details() {
        return reasons;
    }

    private static String summary(List<String> reasons) {
        if (reasons.isEmpty()) {
            throw new IllegalArgumentException("An invalid pipeline file needs at least one reason");
        }
        return "The file is not a valid pipeline: " + reasons.get(0)
                + (reasons.size() > 1 ? " (and " + (reasons.size() - 1) + " more)" : "") + ".";
    }
}
