package dev.llmops.studio.feedback;

/**
 * An item to review: the prompt, what the reviewer should know besides it ({@code context}: an expected answer, why
 * a test failed), the response and the model that gave it. A pairwise item has a second response from another model;
 * reviewers choose between the two. {@code reference} is a known good answer, if any.
 */
public record NewReviewItem(String prompt, String context, String response, String responseModel, String responseB,
        String responseBModel, String reference) {

    public static NewReviewItem single(String prompt, String context, String response, String responseModel) {
        return new NewReviewItem(prompt, context, response, responseModel, null, null, null);
    }

    public static NewReviewItem pairwise(String prompt, String responseA, String modelA, String responseB,
            String modelB) {
        return new NewReviewItem(prompt, null, responseA, modelA, responseB, modelB, null);
    }

    public boolean pairwise() {
        return responseB != null;
    }
}
