package dev.llmops.studio.serving;

/**
 * Put a model version on an endpoint. A new endpoint is created; on an existing one the version deploys beside
 * the current one and takes over once ready ({@code canaryPercent} 0), or takes that share of the traffic as a
 * canary. {@code settings} null keeps the endpoint's settings (defaults for a new endpoint).
 */
public record DeployCommand(String endpoint, String modelName, int modelVersion, int canaryPercent,
                            EndpointSettings settings) {
}
