package dev.llmops.studio.artifact;

import java.util.regex.Pattern;

/**
 * The address of an artifact: the SHA-256 of its bytes. Written as {@code sha256:<64 hex digits>} wherever it is
 * stored (task outputs, dataset and model versions), so equal content is stored once and a reference proves
 * which bytes it means.
 */
public record ArtifactRef(String sha256) {

    private static final String SCHEME = "sha256:";
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    public ArtifactRef {
        if (sha256 == null || !HEX.matcher(sha256).matches()) {
            throw new IllegalArgumentException("Not a SHA-256 in lower-case hex: " + sha256);
        }
    }

    /** Reads {@code sha256:<hex>}; anything else is refused with the reason. */
    public static ArtifactRef parse(String value) {
        if (value == null || !value.startsWith(SCHEME)) {
            throw new IllegalArgumentException("Not an artifact reference (expected sha256:<hex>): " + value);
        }
        return new ArtifactRef(value.substring(SCHEME.length()));
    }

    public static boolean isRef(String value) {
        return value != null && value.startsWith(SCHEME) && HEX.matcher(value.substring(SCHEME.length())).matches();
    }

    @Override
    public String toString() {
        return SCHEME + sha256;
    }
}
