/**
 * Human feedback: review queues that people work through. Items come from prompt-test results, evaluation samples
 * or sampled endpoint traffic; each goes to several reviewers (overlap), assigned so the work stays balanced.
 * Reviewers rate, vote, choose between two answers and correct them; the queue's dashboard shows progress,
 * distributions, agreement between reviewers and the disagreements to settle. An export turns reviews into a new
 * dataset version (accepted and corrected answers) and preference pairs (chosen/rejected, DPO style), with lineage
 * back to the queue, so the next fine-tune learns from people's judgement.
 */
package dev.llmops.studio.feedback;
