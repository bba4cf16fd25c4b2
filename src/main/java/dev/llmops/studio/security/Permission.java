package dev.llmops.studio.security;

import static dev.llmops.studio.security.Role.ADMIN;
import static dev.llmops.studio.security.Role.DOMAIN_EXPERT;
import static dev.llmops.studio.security.Role.ML_ENGINEER;
import static dev.llmops.studio.security.Role.REVIEWER;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;

/**
 * The permission matrix: every action that needs authorisation, and the roles that may perform it. Views
 * ({@link RequiresPermission} on the route), REST endpoints ({@link RequiresPermission} on the handler) and
 * services ({@link CurrentUser#require}) all read this one table; features add their actions here.
 */
public enum Permission {
    /** Use the application at all: home, about, one's own account and API tokens. */
    APP_USE("Use the application", EnumSet.allOf(Role.class)),
    USERS_MANAGE("Create, disable and assign roles to users; reset passwords", EnumSet.of(ADMIN)),
    AUDIT_READ("Read the audit log", EnumSet.of(ADMIN)),
    METRICS_READ("Scrape Prometheus metrics", EnumSet.of(ADMIN, ML_ENGINEER)),
    PIPELINES_VIEW("See pipelines, their versions and validation", EnumSet.allOf(Role.class)),
    PIPELINES_EDIT("Create, edit, import, restore and delete pipelines", EnumSet.of(ML_ENGINEER, DOMAIN_EXPERT)),
    RUNS_VIEW("See runs, their tasks and logs", EnumSet.allOf(Role.class)),
    RUNS_START("Start and cancel pipeline runs", EnumSet.of(ML_ENGINEER, DOMAIN_EXPERT)),
    WORKERS_MANAGE("See workers, drain, disable and enable them", EnumSet.of(ADMIN, ML_ENGINEER)),
    DATASETS_VIEW("See datasets, their versions, reports and differences", EnumSet.allOf(Role.class)),
    DATASETS_EDIT("Upload datasets and create versions", EnumSet.of(ML_ENGINEER, DOMAIN_EXPERT)),
    /** Keeping personal data in a dataset is a decision an admin takes and justifies; it is audited. */
    DATASETS_KEEP_PII("Create a dataset version that keeps personal data", EnumSet.of(ADMIN)),
    DATASETS_ERASE("Erase a person's data from every dataset version (right to be forgotten)", EnumSet.of(ADMIN)),
    WORKER_TOKENS_MANAGE("Create and revoke the tokens remote workers connect with", EnumSet.of(ADMIN)),
    MODELS_VIEW("See registered models, their versions, lineage, metrics and model cards", EnumSet.allOf(Role.class)),
    MODELS_EDIT("Edit model notes, set the candidate alias and delete unused versions", EnumSet.of(ML_ENGINEER)),
    /** Weights leave the studio with a download: a separate right, every use audited. */
    MODELS_DOWNLOAD("Download model weights (audited)", EnumSet.of(ML_ENGINEER)),
    MODELS_PROMOTE("Promote a model version to production", EnumSet.of(ML_ENGINEER)),
    ENDPOINTS_VIEW("See endpoints, their versions, replicas, metrics and scaling decisions", EnumSet.allOf(Role.class)),
    ENDPOINTS_DEPLOY("Deploy model versions to endpoints, promote or roll back canaries, scale, stop; read request"
            + " logs", EnumSet.of(ML_ENGINEER)),
    ENDPOINTS_KEYS("Create and revoke the API keys of endpoints", EnumSet.of(ML_ENGINEER)),
    ENDPOINTS_TRY("Chat with endpoints in the playground", EnumSet.of(ML_ENGINEER, DOMAIN_EXPERT, REVIEWER)),
    /** Held by worker tokens only: a person's login or API token can never lease tasks or read artifacts. */
    PROMPT_TESTS_VIEW("See prompt suites, test results and comparisons", EnumSet.allOf(Role.class)),
    PROMPT_TESTS_EDIT("Create and edit prompt suites; run and compare prompt tests", EnumSet.of(ML_ENGINEER,
            DOMAIN_EXPERT)),
    REVIEW_WORK("Review the items assigned to you in review queues", EnumSet.of(REVIEWER, DOMAIN_EXPERT)),
    REVIEW_QUEUES_VIEW("See review queues, their progress, agreement and disagreements", EnumSet.allOf(Role.class)),
    REVIEW_QUEUES_MANAGE("Create review queues, add items, export reviews as datasets", EnumSet.of(ML_ENGINEER,
            DOMAIN_EXPERT)),
    WORKER_PROTOCOL("Lease and run pipeline steps (worker tokens only)", EnumSet.noneOf(Role.class));

    private final String description;
    private final Set<Role> roles;

    Permission(String description, Set<Role> roles) {
        this.description = description;
        this.roles = Set.copyOf(roles);
    }

    public String description() {
        return description;
    }

    public Set<Role> roles() {
        return roles;
    }

    public boolean grantedTo(Collection<Role> held) {
        return held.stream().anyMatch(roles::contains);
    }

    /** The Spring Security authority granted to users whose roles include this permission. */
    public String authority() {
        return "PERM_" + name();
    }

    /** Every permission the given roles grant. */
    public static Set<Permission> grantedBy(Collection<Role> held) {
        Set<Permission> granted = EnumSet.noneOf(Permission.class);
        for (Permission permission : values()) {
            if (permission.grantedTo(held)) {
                granted.add(permission);
            }
        }
        return granted;
    }
}
