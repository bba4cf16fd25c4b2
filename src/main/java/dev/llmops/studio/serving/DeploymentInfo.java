package dev.llmops.studio.serving;

import java.time.OffsetDateTime;

/** A model version on an endpoint: its state, share of traffic, and wanted replica count. */
public record DeploymentInfo(long id, long endpointId, long modelVersionId, String modelName, int modelVersion,
                             DeploymentState state, int trafficPercent, int canaryPercent, int replicas,
                             String createdBy, OffsetDateTime createdAt, OffsetDateTime retiredAt) {

    public String label() {
        return modelName + " v" + modelVersion;
    }
}
