package dev.llmops.studio.run;

import java.time.OffsetDateTime;

/** One log line a task wrote; ids grow, so a tail can ask for lines after the last it has. */
public record TaskLog(long id, OffsetDateTime loggedAt, String line) {
}
