package dev.llmops.studio.serving;

/** STARTING: replicas loading, no traffic yet; ACTIVE: takes its share of traffic; RETIRED: replaced or rolled back. */
public enum DeploymentState {
    STARTING, ACTIVE, RETIRED
}
