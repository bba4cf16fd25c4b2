/**
 * Evaluation: prompt suites, assertions and the metrics that judge model outputs — classification metrics
 * (accuracy, precision, recall, F1 per label, macro and micro, confusion matrix), text overlap (token F1,
 * ROUGE-L) and agreement between reviewers (Cohen's kappa, Krippendorff's alpha). Definitions: docs/metrics.md.
 */
package dev.llmops.studio.evaluation;
