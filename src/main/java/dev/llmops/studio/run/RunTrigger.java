package dev.llmops.studio.run;

public enum RunTrigger {
    MANUAL, API, SCHEDULE
}
