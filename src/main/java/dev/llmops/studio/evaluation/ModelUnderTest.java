package dev.llmops.studio.evaluation;

/** The registered model version a test run's answers came from ({@code versionId} null when not registered). */
public record ModelUnderTest(String name, Integer version, Long versionId) {

    public String label() {
        return version == null ? name : name + " v" + version;
    }
}
