package dev.llmops.studio.serving;

import java.time.OffsetDateTime;
import java.util.List;

/** An endpoint with its current (not retired) deployments and status. */
public record EndpointInfo(long id, String name, EndpointSettings settings, EndpointStatus status,
                           List<DeploymentInfo> deployments, int readyReplicas, int wantedReplicas,
                           String createdBy, OffsetDateTime createdAt, OffsetDateTime stoppedAt) {

    /**
     * The deployment taking most of the traffic (the stable one during a canary); at an even split the older one,
     * since a canary always deploys beside the version it is tested against.
     */
    public java.util.Optional<DeploymentInfo> stable() {
        return deployments.stream().filter(d -> d.state() == DeploymentState.ACTIVE)
                .max(java.util.Comparator.comparingInt(DeploymentInfo::trafficPercent)
                        .thenComparing(java.util.Comparator.comparingLong(DeploymentInfo::id).reversed()));
    }

    public java.util.Optional<DeploymentInfo> canary() {
        return deployments.stream().filter(d -> d.state() == DeploymentState.ACTIVE && d.canaryPercent() > 0
                && d.trafficPercent() < 100).filter(d -> stable().map(s -> s.id() != d.id()).orElse(true))
                .findFirst();
    }

    public boolean stopped() {
        return stoppedAt != null;
    }
}
