package dev.llmops.studio.feedback;

import java.util.Set;

/**
 * What a reviewer says about an item; every part is optional in a draft. A submitted review of a pairwise item
 * names a preference; any other needs at least a rating, a thumb or a correction.
 */
public record ReviewInput(Integer rating, Thumbs thumbs, Preference preferred, String corrected, Set<ReviewTag> tags,
        String comment) {

    public static final ReviewInput EMPTY = new ReviewInput(null, null, null, null, Set.of(), null);

    public ReviewInput {
        tags = tags == null ? Set.of() : Set.copyOf(tags);
        corrected = corrected == null || corrected.isBlank() ? null : corrected;
        comment = comment == null || comment.isBlank() ? null : comment.strip();
    }

    boolean judges() {
        return rating != null || thumbs != null || preferred != null || corrected != null;
    }
}
