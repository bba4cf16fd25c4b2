package dev.llmops.studio.pipeline;

/** How a parameter is edited in the designer and checked by {@link GraphValidator}. */
public enum ParamType {
    /** One line of text. */
    STRING,
    /** An integral number ({@code Integer} or {@code Long}); {@code 3.0} is not accepted. */
    INT,
    /** Any number. */
    FLOAT,
    BOOL,
    /** One of {@link ParamSpec#options()}, as a string. */
    ENUM,
    /** A Quartz cron expression. */
    CRON,
    /** Several lines of text. */
    TEXT
}
