package dev.llmops.studio.platform;

/**
 * A request a user can fix: the message is shown as is (in a form or as a problem's detail), so it names
 * the field and what is wrong and never carries internals.
 */
public class InvalidRequestException extends RuntimeException {

    private final String field;

    public InvalidRequestException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** Every individual problem when there are several (e.g. each reason a file was rejected); may be empty. */
    public java.util.List<String> details() {
        return java.util.List.of();
    }

    /** The input field the message is about, or {@code null} when it concerns the request as a whole. */
    public String field() {
        return field;
    }
}
