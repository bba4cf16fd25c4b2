/**
 * Quality gates: a pipeline step that lets a model through only when a metric of the report before it reaches a
 * threshold, or when a person with the chosen role approves it. Approvals and rejections are recorded with who and
 * when, audited, and shown on the run; a gate waiting for a person parks its task without holding a worker.
 */
package dev.llmops.studio.gate;
