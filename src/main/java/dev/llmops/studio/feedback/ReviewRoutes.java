package dev.llmops.studio.feedback;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Where the review screens live, for links from other pages. */
public final class ReviewRoutes {

    private ReviewRoutes() {
    }

    /** The queue's dashboard: progress, agreement, disagreements, export. */
    public static String dashboard(String queue) {
        return "review-queues/" + encode(queue);
    }

    /** The signed-in reviewer's workspace for a queue. */
    public static String review(String queue) {
        return "review/" + encode(queue);
    }

    private static String encode(String queue) {
        return URLEncoder.encode(queue, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
