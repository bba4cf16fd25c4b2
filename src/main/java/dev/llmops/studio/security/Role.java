package dev.llmops.studio.security;

/** The roles a user can hold; what each may do is decided in one place, {@link Permission}. */
public enum Role {
    ADMIN("Administrator", "Manages users, roles, tokens and sees the audit log"),
    ML_ENGINEER("ML engineer", "Builds and runs pipelines, trains, quantizes and deploys models"),
    DOMAIN_EXPERT("Domain expert", "Uploads data, designs pipelines and tests prompts"),
    REVIEWER("Reviewer", "Rates and corrects model outputs in review queues"),
    VIEWER("Viewer", "Reads pipelines, runs and dashboards");

    private final String label;
    private final String description;

    Role(String label, String description) {
        this.label = label;
        this.description = description;
    }

    public String label() {
        return label;
    }

    public String description() {
        return description;
    }

    /** The Spring Security authority that carries this role. */
    public String authority() {
        return "ROLE_" + name();
    }

    /** Parses a role name, naming the valid ones when it is unknown. */
    public static Role parse(String name) {
        for (Role role : values()) {
            if (role.name().equalsIgnoreCase(name == null ? "" : name.trim())) {
                return role;
            }
        }
        throw new dev.llmops.studio.platform.InvalidRequestException("roles", "Unknown role '" + name
                + "'. Valid roles: " + java.util.Arrays.toString(values()) + ".");
    }
}
