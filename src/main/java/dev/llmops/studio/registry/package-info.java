/**
 * The model registry: named models and their versions with lineage, metrics, aliases (candidate, production)
 * and a generated model card; Models screen with side-by-side comparison. Versions are registered from the MODEL
 * outputs of successful steps and stored encrypted.
 */
package dev.llmops.studio.registry;
