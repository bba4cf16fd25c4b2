package dev.llmops.studio.dataset;

import java.util.List;

/** Personal data of one type in one field: how often, and a few masked samples (never the values). */
public record PiiFinding(String field, PiiType type, long count, List<String> maskedSamples) {
}
