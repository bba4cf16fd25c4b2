/**
 * Serving: endpoints that answer OpenAI-compatible requests ({@code /v1/models}, {@code /v1/completions},
 * {@code /v1/chat/completions}, streaming as server-sent events) with registered model versions. Replicas run on
 * workers and pull their requests from the server, so a GPU box behind a firewall needs no open port; requests are
 * routed to the ready replica with the fewest outstanding requests and batched continuously on it. Around it: API
 * keys with rate limits, an autoscaler (Quartz job), canary rollouts with automatic rollback, metrics and a request
 * log.
 */
package dev.llmops.studio.serving;
