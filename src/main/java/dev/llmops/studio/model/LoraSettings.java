package dev.llmops.studio.model;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Low-rank adapters (LoRA): each targeted projection W [out, in] keeps its frozen weight and learns
 * W + (alpha / rank) · B · A with A [rank, in] and B [out, rank]. B starts at zero, so training starts from
 * exactly the base model. Module names are the Hugging Face / PEFT ones, so adapters mean the same elsewhere.
 */
record LoraSettings(int rank, float alpha, float dropout, Set<String> targetModules) {

    /** Every linear projection of a Llama layer, as PEFT's "all-linear" (embeddings and the head excluded). */
    static final List<String> MODULES = List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
            "down_proj");

    LoraSettings {
        if (rank < 1) {
            throw new IllegalArgumentException("LoRA rank must be at least 1, got " + rank);
        }
        if (!(alpha > 0)) {
            throw new IllegalArgumentException("LoRA alpha must be positive, got " + alpha);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("LoRA dropout must be in [0, 1), got " + dropout);
        }
        targetModules = Set.copyOf(targetModules);
        if (targetModules.isEmpty()) {
            throw new IllegalArgumentException("LoRA needs at least one target module of " + MODULES);
        }
        Set<String> unknown = new TreeSet<>(targetModules);
        unknown.removeAll(MODULES);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown LoRA target module(s) " + unknown + "; known: " + MODULES);
        }
    }

    /** Parses "q_proj, v_proj" or "all" (every projection). */
    static Set<String> parseTargets(String text) {
        if (text == null || text.isBlank() || text.trim().equalsIgnoreCase("all")) {
            return Set.copyOf(MODULES);
        }
        Set<String> targets = new TreeSet<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                targets.add(part.trim());
            }
        }
        return targets;
    }

    float scale() {
        return alpha / rank;
    }
}
